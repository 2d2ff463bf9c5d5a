// A minimal WebSocket server on uWebSockets.js: listen, accept on one path, hand bytes to hooks,
// send with backpressure reported, shut down gracefully. Rooms and the protocol build on it.
//
// uWS rules this file exists to get right once (docs/index.d.ts of the package, style.md 16):
// - the ArrayBuffer given to `message` is neutered when the handler returns, so it is copied;
// - a WebSocket object must not be touched after its `close` event (uWS throws "Invalid access
//   of closed uWS.WebSocket"), so we track which sockets are open;
// - `send` returns 1 (sent), 0 (queued: backpressure) or 2 (dropped: over maxBackpressure);
// - invalid `idleTimeout` values abort the whole process from C++ instead of throwing, so
//   options are validated here first;
// - the listening socket's options depend on the port (uSockets 20.30, checked with strace):
//   for port 0 it sets none, and for any other port SO_REUSEADDR and SO_REUSEPORT unless
//   LIBUS_LISTEN_EXCLUSIVE_PORT is given. Without SO_REUSEADDR, the connections of a server that
//   was killed or stopped sit in TIME_WAIT with that flag clear, and Linux refuses every bind of
//   their port for about 61 s; with SO_REUSEPORT, a second live server on the same port starts
//   silently and the kernel splits new connections between the two. So we always bind an explicit
//   port with LIBUS_LISTEN_EXCLUSIVE_PORT (SO_REUSEADDR alone), choosing a free one first for
//   port 0. See `bind`.
// - `sharedPort` is that kernel split, asked for: the same app also listens there without the
//   exclusive flag, so several processes on one machine take one public port while each keeps
//   its own (exclusive) port to be reached directly. Linux hashes each new connection's address
//   and ports over the group's sockets: no round-robin and no notion of load. Measured on Linux
//   6.18 from 127.0.0.1 (shared-port.test.ts' fixture): 2 processes, 40 connections, 20 runs
//   each concurrent and sequential: from 14/26 to 27/13, never all on one; 4 processes, 400
//   connections, 10 runs: 87 to 117 each. Like coin flips, so a process can get a few more than
//   its share, and a busy one gets new players all the same. A process that closes its shared
//   socket drops the connections still waiting in that socket's accept queue (reset, not handed
//   to the others).

import { createServer } from 'node:net';
import type { SendResult } from '@netschema/runtime';
import type { TemplatedApp, us_listen_socket, WebSocket } from 'uWebSockets.js';
import { loadUws, type UwsModule } from './native.js';

/** What we keep per connection. uWS stores it with the socket (`getUserData()`). */
export interface SocketData {
  /** Unique per server, in connection order; handy as a map key. */
  readonly id: number;
  /** What the `upgrade` hook returned (undefined without one). */
  readonly user: unknown;
  /** For the layer above: its own per-connection state. */
  owner?: unknown;
}

/** The HTTP upgrade request, copied out of uWS before the hook runs (uWS frees it on return). */
export interface UpgradeRequest {
  /** Path and query string as sent, e.g. `/ws?token=abc`. */
  readonly url: string;
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The peer's IP address as text. */
  readonly address: string;
}

/** Thrown (or rejected) by an `upgrade` hook to refuse a connection with an HTTP status. */
export class UpgradeRejection extends Error {
  override readonly name = 'UpgradeRejection';
  constructor(
    readonly status: 401 | 403 | 429 | 503 | number,
    message = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Rejected',
  ) {
    super(message);
  }
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

export type UwsSocket = WebSocket<SocketData>;

// `send()`'s result: uWS's 1, 0 and 2 as words, the room seam's type (the runtime's).
export type { SendResult };

export interface UwsServerOptions {
  /** Default 127.0.0.1: exposing the server is a decision, not a default. */
  host?: string;
  /**
   * Default 0: a free port chosen by the OS; read it back from `server.port`. Either way the
   * port can be bound again at once by a restarted server (SO_REUSEADDR, not SO_REUSEPORT),
   * while a second live server on the same address and port fails to start.
   */
  port?: number;
  /**
   * A second port, shared: also listened on with SO_REUSEPORT, so every process on this machine
   * given the same `sharedPort` (and run by the same user) accepts on it and Linux spreads new
   * connections between them (by a hash of the client's address and port, not by load).
   * `port` stays this process's own. Unset: no shared port.
   */
  sharedPort?: number;
  /** The WebSocket endpoint. Default `/ws`. Other paths get 404. */
  path?: string;
  /**
   * Largest message a client may send, in bytes. Default 16 KiB (uWS's own default): room
   * clients send inputs and small messages. A bigger message makes uWS drop the connection at
   * once (close code 1006, reason "Received too big message"), before buffering it.
   */
  maxPayloadLength?: number;
  /**
   * Seconds without traffic before uWS closes a connection; uWS pings automatically in
   * between, so only dead peers time out. 0 disables it; otherwise 8 to 960 (uWS's range; its
   * timer granularity is about 4 s). Default 60.
   */
  idleTimeout?: number;
  /**
   * Bytes a connection may have queued before `send` starts returning 'dropped'. Default
   * 64 KiB (uWS's default). Bounds server memory per slow client.
   */
  maxBackpressure?: number;
  /** Accept uWS's pure-JS fallback instead of refusing to start (see native.ts). */
  allowFallback?: boolean;
  /**
   * Decides each connection before it is accepted (authentication). Returns the connection's
   * user data, or throws `UpgradeRejection(401 | 403, reason)` to answer with that HTTP status.
   * Any other error answers 500. May be async: the request is copied first, and a client that
   * goes away meanwhile is simply dropped.
   */
  upgrade?: (req: UpgradeRequest) => unknown;
  /** Called when the upgrade hook throws something other than an UpgradeRejection. */
  onUpgradeError?: (error: unknown, req: UpgradeRequest) => void;
  onOpen?: (ws: UwsSocket) => void;
  /** `bytes` is a private copy: keep it as long as you like. */
  onMessage?: (ws: UwsSocket, bytes: Uint8Array, isBinary: boolean) => void;
  /** The socket is already closed here: do not send. */
  onClose?: (ws: UwsSocket, code: number, reason: string) => void;
  /** The socket's queue shrank; check `bufferedAmount(ws)` before sending again. */
  onDrain?: (ws: UwsSocket) => void;
}

const SEND_RESULTS: readonly SendResult[] = ['backpressure', 'sent', 'dropped'];

/** uWS's send code (0 queued, 1 sent, 2 dropped) as a SendResult. */
export function sendResultOf(code: number): SendResult {
  return SEND_RESULTS[code] ?? 'dropped';
}
const SHUTDOWN_CODE = 1001; // "going away"
const SHUTDOWN_REASON = 'server shutting down';
/** uSockets' listen flag for SO_REUSEADDR without SO_REUSEPORT; exported by 20.30 at run time, not in its types. */
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;
/** Binds of a port chosen for option 0 that may fail because another process took it meanwhile. */
const PORT_PICKS = 5;

/** `app.listen(host, port, options, cb)`: in uWS 20.30 and its fallback, missing from the types. */
type ListenWithOptions = (host: string, port: number, options: number, cb: (socket: us_listen_socket | false) => void) => unknown;

export class UwsServer {
  /** False only when `allowFallback` let the JS fallback run. */
  readonly native: boolean;

  private readonly uws: UwsModule;
  // Held for the server's lifetime so the app's handlers stay referenced from JS.
  private readonly app: TemplatedApp;
  private listenSocket: us_listen_socket | undefined;
  private sharedSocket: us_listen_socket | undefined;
  private readonly open = new Set<UwsSocket>();
  private nextId = 1;
  private closing: Promise<void> | undefined;
  private boundPort = 0;
  private boundSharedPort: number | undefined;

  /** Starts listening. Rejects when the address cannot be bound or uWS is not native. */
  static async listen(options: UwsServerOptions = {}): Promise<UwsServer> {
    const server = new UwsServer(options);
    const host = options.host ?? '127.0.0.1';
    await server.bind(host, options.port ?? 0);
    if (options.sharedPort !== undefined) server.bindShared(host, options.sharedPort);
    return server;
  }

  private constructor(private readonly options: UwsServerOptions) {
    const { port = 0, path = '/ws' } = options;
    const maxPayloadLength = checkInt('maxPayloadLength', options.maxPayloadLength ?? 16 * 1024, 1);
    const maxBackpressure = checkInt('maxBackpressure', options.maxBackpressure ?? 64 * 1024, 1);
    const idleTimeout = checkInt('idleTimeout', options.idleTimeout ?? 60, 0, 960);
    if (idleTimeout > 0 && idleTimeout < 8) {
      throw new RangeError(`UwsServer: idleTimeout must be 0 or 8 to 960 seconds, got ${idleTimeout}`);
    }
    checkInt('port', port, 0, 65535);
    if (options.sharedPort !== undefined) {
      // Port 0 would make a port nobody else could join: sharing needs a known number.
      checkInt('sharedPort', options.sharedPort, 1, 65535);
      if (options.sharedPort === port) throw new RangeError(`UwsServer: sharedPort must differ from port, got ${port} for both`);
    }

    const { uws, native } = loadUws({ allowFallback: options.allowFallback ?? false });
    this.uws = uws;
    this.native = native;
    this.app = uws
      .App()
      .ws<SocketData>(path, {
        maxPayloadLength,
        maxBackpressure,
        idleTimeout,
        // Backpressure is the caller's decision (skip frames, then disconnect), not uWS's.
        closeOnBackpressureLimit: 0,
        // Every connection gets its own object: uWS hands it back from getUserData().
        upgrade: (res, req, context) => {
          const hook = this.options.upgrade;
          const key = req.getHeader('sec-websocket-key');
          const protocol = req.getHeader('sec-websocket-protocol');
          const extensions = req.getHeader('sec-websocket-extensions');
          if (hook === undefined) {
            res.upgrade<SocketData>({ id: this.nextId++, user: undefined }, key, protocol, extensions, context);
            return;
          }
          // `req` is valid only until this function returns: copy everything the hook may read.
          const headers: Record<string, string> = {};
          req.forEach((k, v) => {
            headers[k] = v;
          });
          const query = req.getQuery() ?? '';
          const info: UpgradeRequest = {
            url: req.getUrl() + (query ? `?${query}` : ''),
            query: new URLSearchParams(query),
            headers,
            address: Buffer.from(res.getRemoteAddressAsText()).toString(),
          };
          let aborted = false;
          res.onAborted(() => {
            aborted = true;
          });
          const finish = (user: unknown, error: unknown) => {
            if (aborted || this.listenSocket === undefined) {
              if (!aborted) res.close();
              return;
            }
            res.cork(() => {
              if (error === undefined) {
                res.upgrade<SocketData>({ id: this.nextId++, user }, key, protocol, extensions, context);
                return;
              }
              const status = error instanceof UpgradeRejection ? error.status : 500;
              if (!(error instanceof UpgradeRejection)) this.options.onUpgradeError?.(error, info);
              const text = error instanceof UpgradeRejection ? error.message : 'Internal Server Error';
              res.writeStatus(`${status} ${STATUS_TEXT[status] ?? 'Rejected'}`).end(text, true);
            });
          };
          try {
            const result = hook(info);
            if (result instanceof Promise) result.then((user) => finish(user, undefined), (e: unknown) => finish(undefined, e ?? new Error('rejected')));
            else finish(result, undefined);
          } catch (e) {
            finish(undefined, e ?? new Error('rejected'));
          }
        },
        open: (ws) => {
          this.open.add(ws);
          this.options.onOpen?.(ws);
        },
        message: (ws, message, isBinary) => {
          // uWS neuters `message` when this handler returns: copy before anything can keep it.
          const bytes = new Uint8Array(message.slice(0));
          this.options.onMessage?.(ws, bytes, isBinary);
        },
        drain: (ws) => this.options.onDrain?.(ws),
        close: (ws, code, message) => {
          this.open.delete(ws);
          this.options.onClose?.(ws, code, Buffer.from(message).toString('utf8'));
        },
      })
      .any('/*', (res) => {
        res.writeStatus('404 Not Found').end('', true);
      });
  }

  /**
   * Opens the listening socket with SO_REUSEADDR and without SO_REUSEPORT (see the top of this
   * file): a server restarted after a kill binds its port at once, and a second live server on
   * the same port is refused. uSockets sets no option for port 0, so for port 0 we ask the OS for
   * a free port first and bind that one; if another process takes it in between, we pick again.
   */
  private async bind(host: string, port: number): Promise<void> {
    const listen = this.app.listen.bind(this.app) as unknown as ListenWithOptions;
    for (let pick = 1; ; pick++) {
      const target = port !== 0 ? port : await freePort(host);
      let bound: us_listen_socket | false = false;
      // uWS calls back synchronously, before listen() returns.
      listen(host, target, LIBUS_LISTEN_EXCLUSIVE_PORT, (socket) => {
        bound = socket;
      });
      if (bound !== false) {
        this.listenSocket = bound;
        this.boundPort = this.uws.us_socket_local_port(bound);
        return;
      }
      if (port !== 0 || pick >= PORT_PICKS) {
        throw new Error(`UwsServer: cannot listen on ${host}:${target} (address in use, e.g. by another running server, or not available on this machine)`);
      }
    }
  }

  /**
   * Listens on `port` without LIBUS_LISTEN_EXCLUSIVE_PORT, which uSockets turns into
   * SO_REUSEADDR + SO_REUSEPORT: joins the other processes' sockets on that port. Fails when the
   * port is held by a socket without SO_REUSEPORT (an exclusive UwsServer, most other servers)
   * or by another user; the exclusive socket is closed again then, so a failed listen holds nothing.
   */
  private bindShared(host: string, port: number): void {
    const listen = this.app.listen.bind(this.app) as unknown as ListenWithOptions;
    let bound: us_listen_socket | false = false;
    listen(host, port, 0, (socket) => {
      bound = socket;
    });
    if (bound === false) {
      if (this.listenSocket !== undefined) this.uws.us_listen_socket_close(this.listenSocket);
      this.listenSocket = undefined;
      throw new Error(`UwsServer: cannot listen on shared port ${host}:${port} (in use by a socket that does not share it, or not available on this machine)`);
    }
    this.sharedSocket = bound;
    this.boundSharedPort = port;
  }

  /** The bound port (the real one when the option was 0). */
  get port(): number {
    return this.boundPort;
  }

  /** The shared port (`sharedPort`), or undefined without one. */
  get sharedPort(): number | undefined {
    return this.boundSharedPort;
  }

  /** Open connections. */
  get connections(): number {
    return this.open.size;
  }

  /**
   * Sends one binary message. 'backpressure': it was queued behind unsent data (slow down and
   * wait for `onDrain`); 'dropped': the queue was over `maxBackpressure` so this message was
   * discarded, or the socket is already closed.
   */
  send(ws: UwsSocket, bytes: Uint8Array): SendResult {
    if (!this.open.has(ws)) return 'dropped';
    return sendResultOf(ws.send(bytes, true, false));
  }

  /** Closes a connection with a code and reason; does nothing if it is already closed. */
  end(ws: UwsSocket, code: number, reason: string): void {
    if (this.open.has(ws)) ws.end(code, reason);
  }

  /** Bytes queued on the socket and not yet written to the kernel; 0 once closed. */
  bufferedAmount(ws: UwsSocket): number {
    return this.open.has(ws) ? ws.getBufferedAmount() : 0;
  }

  /**
   * Runs `fn` with `ws` corked, so the sends it makes to that socket leave in one write.
   * Inside uWS handlers the current socket is corked already; use this from timers (the tick).
   * uWS 20.30 corks one socket at a time: sends to other sockets inside `fn` still work,
   * uncorked. On a closed socket `fn` still runs, uncorked (its sends report 'dropped').
   */
  cork(ws: UwsSocket, fn: () => void): void {
    if (this.open.has(ws)) ws.cork(fn);
    else fn();
  }

  /**
   * Graceful shutdown: stops accepting, closes every connection with 1001 and a reason, and
   * resolves once every `onClose` has run. uWS then finishes each TCP close in the background
   * (on the client's reply; a silent peer took about 15 s here), after which nothing of the
   * server keeps the process alive.
   */
  close(reason = SHUTDOWN_REASON): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.listenSocket) {
        this.uws.us_listen_socket_close(this.listenSocket);
        this.listenSocket = undefined;
      }
      if (this.sharedSocket) {
        this.uws.us_listen_socket_close(this.sharedSocket);
        this.sharedSocket = undefined;
      }
      // end() runs the close handler synchronously, which edits `open`: iterate over a copy.
      for (const ws of [...this.open]) ws.end(SHUTDOWN_CODE, reason);
      resolve();
    });
    return this.closing;
  }
}

/** A port the OS considers free on `host` now: bound by a probe socket, which is closed again. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port: 0, exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function checkInt(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`UwsServer: ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}
