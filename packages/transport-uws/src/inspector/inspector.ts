import type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket } from 'uWebSockets.js';
import { loadUws, type UwsModule } from '../native.js';
import type { Client, Room } from '@netschema/runtime';
import { attributeFrame, type EntityLookup } from './frame-bytes.js';
import { checkInspectorAuth, InspectorGate, type InspectorAuth, type InspectorRequest } from './inspector-auth.js';
import { INSPECTOR_PAGE } from './inspector-page.js';
import { TrafficWindow, type TrafficSummary } from './traffic-window.js';

export interface InspectorOptions {
  /** Port of the inspector's own HTTP server. Default 0: any free port (read `server.inspectorPort`). */
  port?: number;
  /** Default 127.0.0.1: reachable from this machine only. */
  host?: string;
  /** Required: see InspectorAuth. */
  auth: InspectorAuth;
  /** Seconds of traffic each client's summary covers. Default 5. */
  windowSeconds?: number;
  /** Frames per client per second whose bytes are attributed to classes and fields. Default 10. */
  samplesPerSecond?: number;
}

/** What the inspector needs of its server. */
export interface InspectedServer {
  inspectedRooms(): Iterable<Room>;
  allowFallback: boolean;
}

/** After this long without a snapshot request (no page open), sampling stops. */
const IDLE_MS = 5000;

interface ClientView {
  id: number;
  connected: boolean;
  rttMs: number;
  rttSmoothedMs: number;
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
  messagesOut: number;
  frames: number;
  framesSkipped: number;
  dropped: number;
  inView: { total: number; byClass: Record<string, number> };
  traffic: TrafficSummary;
}

function checkOption(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`NetServer: inspector.${name}: expected an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Checks the inspector option before anything listens: a missing `auth` is an error. */
export function resolveInspectorOptions(options: unknown): Required<Omit<InspectorOptions, 'auth'>> & { auth: InspectorAuth } {
  if (typeof options !== 'object' || options === null) throw new TypeError(`NetServer: inspector: expected { port, auth }, got ${options === null ? 'null' : typeof options}`);
  const o = options as InspectorOptions;
  if (o.host !== undefined && typeof o.host !== 'string') throw new TypeError(`NetServer: inspector.host: expected a string, got ${typeof o.host}`);
  return {
    auth: checkInspectorAuth(o.auth),
    host: o.host ?? '127.0.0.1',
    port: checkOption('port', o.port, 0, 0, 65535),
    windowSeconds: checkOption('windowSeconds', o.windowSeconds, 5, 1, 60),
    samplesPerSecond: checkOption('samplesPerSecond', o.samplesPerSecond, 10, 1, 1000),
  };
}

/**
 * The opt-in inspector: its own uWS HTTP server serving one page and a JSON snapshot of every
 * room and client. It samples frames (attributing their bytes to classes and fields) only while
 * a snapshot was asked for in the last few seconds, so a server with no page open pays nothing
 * per frame but one null check.
 */
export class Inspector {
  private readonly uws: UwsModule;
  private readonly app: TemplatedApp;
  private readonly gate: InspectorGate;
  private listenSocket: us_listen_socket | null = null;
  private boundPort = 0;
  private activeUntil = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly windows = new WeakMap<Client, TrafficWindow>();
  private readonly tapped = new Set<Room>();
  private readonly startedAt = performance.now();

  static async listen(server: InspectedServer, options: ReturnType<typeof resolveInspectorOptions>): Promise<Inspector> {
    const inspector = new Inspector(server, options);
    inspector.bind(options.host, options.port);
    return inspector;
  }

  private constructor(
    private readonly server: InspectedServer,
    private readonly options: ReturnType<typeof resolveInspectorOptions>,
  ) {
    this.gate = new InspectorGate(options.auth);
    this.uws = loadUws({ allowFallback: server.allowFallback }).uws;
    this.app = this.uws.App().any('/*', (res, req) => this.serve(res, req));
  }

  private bind(host: string, port: number): void {
    let bound: us_listen_socket | false = false;
    this.app.listen(host, port, (socket) => {
      bound = socket;
    });
    if (bound === false) throw new Error(`NetServer: inspector cannot listen on ${host}:${port} (address in use or not available)`);
    this.listenSocket = bound;
    this.boundPort = this.uws.us_socket_local_port(bound);
  }

  get port(): number {
    return this.boundPort;
  }

  close(): void {
    clearTimeout(this.idleTimer);
    this.stopSampling();
    if (this.listenSocket !== null) this.uws.us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
  }

  /** A room was created: tap it if a page is watching. */
  roomOpened(room: Room): void {
    if (performance.now() < this.activeUntil) this.tap(room);
  }

  private serve(res: HttpResponse, req: HttpRequest): void {
    // Everything is read here: uWS's request object is valid only during this call.
    const headers: Record<string, string> = {};
    req.forEach((k, v) => (headers[k] = v));
    const request: InspectorRequest = {
      method: req.getCaseSensitiveMethod(),
      url: req.getUrl(),
      query: req.getQuery() ?? '',
      headers,
      address: Buffer.from(res.getRemoteAddressAsText()).toString(),
    };
    const security = (r: HttpResponse) =>
      r.writeHeader('Cache-Control', 'no-store').writeHeader('X-Content-Type-Options', 'nosniff').writeHeader('X-Frame-Options', 'DENY').writeHeader('Referrer-Policy', 'no-referrer');
    if (request.method !== 'GET') {
      security(res.writeStatus('405 Method Not Allowed')).writeHeader('Allow', 'GET').end('GET only\n');
      return;
    }
    if (request.url === '/' && this.gate.queryToken(request)) {
      // The token leaves the address bar at once; the cookie carries the session.
      security(res.writeStatus('303 See Other')).writeHeader('Set-Cookie', this.gate.setCookie()).writeHeader('Location', '/').end();
      return;
    }
    let allowed = false;
    try {
      allowed = this.gate.allows(request);
    } catch {
      allowed = false;
    }
    if (!allowed) {
      security(res.writeStatus('401 Unauthorized')).writeHeader('Content-Type', 'text/plain; charset=utf-8').end('netschema inspector: unauthorized (send Authorization: Bearer <token>, or open /?token=<token>)\n');
      return;
    }
    if (request.url === '/') {
      security(res.writeStatus('200 OK'))
        .writeHeader('Content-Type', 'text/html; charset=utf-8')
        .writeHeader('Content-Security-Policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'")
        .end(INSPECTOR_PAGE);
      return;
    }
    if (request.url === '/snapshot.json') {
      const body = JSON.stringify(this.snapshot());
      security(res.writeStatus('200 OK')).writeHeader('Content-Type', 'application/json').end(body);
      return;
    }
    security(res.writeStatus('404 Not Found')).writeHeader('Content-Type', 'text/plain; charset=utf-8').end('not found\n');
  }

  /** Every room and client now; starts (or keeps) sampling for the next few seconds. */
  snapshot(): object {
    this.keepSampling();
    const now = performance.now();
    const rooms = [];
    for (const room of this.server.inspectedRooms()) {
      const clients: ClientView[] = [];
      for (const c of room.clients) clients.push(this.clientView(room, c, now));
      rooms.push({
        id: room.id,
        name: room.name,
        private: room.private,
        maxClients: room.maxClients,
        entities: room.core.world.size,
        ticks: room.tickStats.ticks,
        lastTickMs: room.tickStats.lastTickMs,
        clients,
      });
    }
    return {
      uptimeSeconds: (now - this.startedAt) / 1000,
      windowSeconds: this.options.windowSeconds,
      samplesPerSecond: this.options.samplesPerSecond,
      rooms,
    };
  }

  private clientView(room: Room, c: Client, now: number): ClientView {
    const byClass = room.core.heldByClass(c.core);
    let total = 0;
    for (const name in byClass) total += byClass[name]!;
    const window = this.windowOf(c);
    window.touch(now, c.stats.bytesOut, c.stats.frames);
    return {
      id: c.id,
      connected: c.connected,
      rttMs: c.rtt,
      rttSmoothedMs: c.rttSmoothed,
      bytesIn: c.stats.bytesIn,
      bytesOut: c.stats.bytesOut,
      messagesIn: c.stats.messagesIn,
      messagesOut: c.stats.messagesOut,
      frames: c.stats.frames,
      framesSkipped: c.stats.framesSkipped,
      dropped: c.stats.dropped,
      inView: { total, byClass },
      traffic: window.summary(now, c.stats.bytesOut, c.stats.frames),
    };
  }

  private windowOf(c: Client): TrafficWindow {
    let w = this.windows.get(c);
    if (w === undefined) this.windows.set(c, (w = new TrafficWindow(this.options.windowSeconds, this.options.samplesPerSecond)));
    return w;
  }

  private keepSampling(): void {
    this.activeUntil = performance.now() + IDLE_MS;
    // Disposed rooms leave the server's list: let go of them here too.
    for (const room of this.tapped) if (room.disposed) this.tapped.delete(room);
    for (const room of this.server.inspectedRooms()) if (!this.tapped.has(room)) this.tap(room);
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopSampling(), IDLE_MS);
    this.idleTimer.unref();
  }

  private tap(room: Room): void {
    this.tapped.add(room);
    const entities: EntityLookup = room.core.world;
    room.frameTap = (client, frame) => {
      const now = performance.now();
      // Bytes are counted before the tap runs: the frame is already in bytesOut.
      const w = this.windowOf(client);
      if (!w.wants(now, client.stats.bytesOut - frame.length, client.stats.frames - 1)) return;
      try {
        w.add(now, attributeFrame(frame, entities, w.classesAt(now)));
      } catch {
        // A frame the walker cannot read must not disturb the tick: it counts as unattributed.
        w.add(now, { total: frame.length, header: 0, unattributed: frame.length });
      }
    };
  }

  private stopSampling(): void {
    for (const room of this.tapped) room.frameTap = null;
    this.tapped.clear();
  }
}
