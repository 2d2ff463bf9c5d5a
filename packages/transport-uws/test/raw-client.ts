import { C_JOIN, PROTOCOL_VERSION, Reader, readWelcome, S_ERROR, S_WELCOME, Writer, writeJoin, type JoinRequest, type SchemaModule, type Welcome } from '@netschema/runtime';
import WebSocket from 'ws';
import { until } from './helpers.js';

/**
 * A WebSocket client that speaks the protocol by hand: for testing the server against exact
 * bytes, including the malformed and hostile ones a real client would never send.
 */
export class RawClient {
  readonly ws: WebSocket;
  readonly received: Uint8Array[] = [];
  closed: { code: number; reason: string } | null = null;
  opened = false;
  unexpected: { status: number; body: string } | null = null;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('open', () => (this.opened = true));
    this.ws.on('message', (data: Buffer) => this.received.push(new Uint8Array(data)));
    this.ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    this.ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => (this.unexpected = { status: res.statusCode ?? 0, body }));
    });
    this.ws.on('error', () => {});
  }

  async open(): Promise<this> {
    await until(() => this.opened || this.closed !== null || this.unexpected !== null, 'the socket to open');
    if (!this.opened) throw new Error(`socket did not open: ${JSON.stringify(this.closed ?? this.unexpected)}`);
    return this;
  }

  send(bytes: Uint8Array | number[]): void {
    this.ws.send(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
  }

  join(schema: SchemaModule, j: Partial<JoinRequest> = {}): void {
    const w = new Writer(256);
    writeJoin(w, { protocol: PROTOCOL_VERSION, fingerprint: schema.fingerprint, room: 'test', resumeToken: '', lastTick: 0, options: '{}', ...j });
    this.send(w.toBytes());
  }

  /** Waits for the next message of a kind (first byte), removing it and everything before it. */
  async next(kind: number, what = `message kind ${kind}`, ms = 5000): Promise<Uint8Array> {
    let found: Uint8Array | undefined;
    await until(() => {
      const i = this.received.findIndex((m) => m[0] === kind);
      if (i >= 0) {
        found = this.received[i];
        this.received.splice(0, i + 1);
      }
      return found !== undefined || (this.closed !== null && this.received.length === 0);
    }, what, ms);
    if (!found) throw new Error(`closed (${JSON.stringify(this.closed)}) before ${what}`);
    return found;
  }

  async welcome(): Promise<Welcome> {
    const r = new Reader(await this.next(S_WELCOME, 'the welcome'));
    r.u8();
    return readWelcome(r);
  }

  /** Errors received so far: [code, text]. */
  errors(): [number, string][] {
    return this.received.filter((m) => m[0] === S_ERROR).map((m) => {
      const r = new Reader(m);
      r.u8();
      return [r.varuint(), r.string()];
    });
  }

  async closedWith(): Promise<{ code: number; reason: string }> {
    await until(() => this.closed !== null, 'the server to close the socket');
    return this.closed!;
  }

  terminate(): void {
    this.ws.terminate();
  }
}

export { C_JOIN };
