import type { WebSocketLike } from '../../src/net/web-socket.js';

type Handler = ((ev: unknown) => void) | null;

/**
 * A WebSocket the test plays the server of: it records what the client sends and delivers what
 * the test answers, synchronously. Every instance is kept in `FakeSocket.all`, newest last.
 */
export class FakeSocket implements WebSocketLike {
  static readonly all: FakeSocket[] = [];
  static last(): FakeSocket {
    const s = FakeSocket.all.at(-1);
    if (s === undefined) throw new Error('no socket was opened');
    return s;
  }

  binaryType = 'blob';
  readyState = 0;
  onopen: Handler = null;
  onmessage: Handler = null;
  onclose: Handler = null;
  onerror: Handler = null;
  /** Copies of what the client sent, in order. */
  readonly sent: Uint8Array[] = [];
  /** How the client closed it, if it did. */
  closedWith: { code: number | undefined; reason: string | undefined } | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  send(data: Uint8Array): void {
    if (this.readyState !== 1) throw new Error(`send on a socket in readyState ${this.readyState}`);
    this.sent.push(data.slice());
  }

  /** Client-side close: like a browser, the close event follows (here at once). */
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
    this.onclose?.({ code: code ?? 1005, reason: reason ?? '' });
  }

  // ── the server's side ──

  accept(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** Delivers bytes as a browser does with binaryType 'arraybuffer': a fresh ArrayBuffer. */
  deliver(bytes: Uint8Array): void {
    this.onmessage?.({ data: bytes.slice().buffer });
  }

  deliverText(text: string): void {
    this.onmessage?.({ data: text });
  }

  /** The server closes, or the connection fails (1006, no close frame). */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onerror?.({});
    this.onclose?.({ code, reason });
  }

  /** Kinds (first bytes) of what the client sent. */
  kinds(): number[] {
    return this.sent.map((b) => b[0]!);
  }
}
