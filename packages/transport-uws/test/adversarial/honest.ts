import { connect, Reader, readWelcome, S_WELCOME, type Connection, type WebSocketConstructor } from '@netschema/runtime';
import WebSocket from 'ws';
import * as schema from './fuzz-schema.netschema.js';
import { tallyOf } from './tally.js';

/**
 * Records the sockets a Connection opens, so a bot can drop one abruptly (no close frame,
 * as a lost network does) and let the client reconnect with its resume token.
 */
function recordingWebSocket(into: { current: WebSocket | null; token: string }): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string) {
      super(url);
      into.current = this;
      // The resume token, read from the welcome as it passes: the fuzzer presents it as another user.
      this.on('message', (data: Buffer | ArrayBuffer) => {
        // The client sets binaryType 'arraybuffer'.
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        if (bytes[0] !== S_WELCOME) return;
        const r = new Reader(bytes);
        r.u8();
        into.token = readWelcome(r).resumeToken;
      });
    }
  } as unknown as WebSocketConstructor;
}

/**
 * A client as a game would run it (the project's own `connect`), counting frames and checking
 * every Tally against its replica. A mismatch is a desync.
 */
export class HonestClient {
  readonly conn: Connection;
  private readonly socket = { current: null as WebSocket | null, token: '' };
  frames = 0;
  checks = 0;
  desyncs = 0;
  unchecked = 0;
  resumes = 0;
  errors: string[] = [];
  closes: number[] = [];
  /** The last close did not reconnect. */
  ended = false;

  /** `user`: who this client authenticates as (the test server reads `?user=`). */
  constructor(url: string, room: string, options: { name?: string; reconnect?: boolean; user?: string } = {}) {
    this.conn = connect(options.user ? `${url}?user=${encodeURIComponent(options.user)}` : url, schema, {
      room,
      options: { name: options.name ?? 'honest' },
      WebSocket: recordingWebSocket(this.socket),
      reconnect: options.reconnect ? { retries: 20, minDelayMs: 50, maxDelayMs: 500 } : false,
      pingIntervalMs: 0,
    });
    this.conn.on('frame', () => this.frames++);
    this.conn.onMessage(schema.Tally, (t) => this.check(t));
    this.conn.on('connected', (e) => {
      if (e.resumed) this.resumes++;
    });
    this.conn.on('error', (e) => {
      if (this.errors.length < 10) this.errors.push(e.message);
    });
    this.conn.on('disconnected', (e) => {
      this.closes.push(e.code);
      if (!e.willReconnect) this.ended = true;
    });
  }

  /** The resume token of the last welcome. */
  get token(): string {
    return this.socket.token;
  }

  ready(): Promise<void> {
    return this.conn.ready();
  }

  step(dx: number, dy: number): void {
    if (this.conn.status !== 'open') return;
    const s = new schema.Step();
    s.dx = dx;
    s.dy = dy;
    this.conn.send(s);
  }

  /** Drops the socket without a close frame; with reconnect on, the client resumes its session. */
  drop(): void {
    this.socket.current?.terminate();
  }

  leave(): void {
    this.conn.close();
  }

  private check(t: schema.Tally): void {
    const rep = this.conn.replica;
    if (rep.serverTick !== t.tick) {
      this.unchecked++;
      return;
    }
    this.checks++;
    if (tallyOf(rep.entities.values() as Iterable<schema.Mover>) !== t.sum) this.desyncs++;
  }
}
