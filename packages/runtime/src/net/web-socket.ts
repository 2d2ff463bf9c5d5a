/* eslint-disable @typescript-eslint/no-explicit-any -- see WebSocketLike */

/**
 * The part of the browser WebSocket API a Connection uses; the `ws` package implements it too.
 * Handlers take `any` so both the DOM's and `ws`'s declarations (with different event types)
 * are assignable.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: any) => void) | null;
  onclose: ((ev: any) => void) | null;
  onerror: ((ev: any) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** `readyState` of an open socket. */
export const OPEN = 1;

/** The given implementation, else the global one; a clear error when there is neither (Node 20). */
export function webSocketConstructor(given: WebSocketConstructor | undefined): WebSocketConstructor {
  const ctor = given ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (ctor === undefined) {
    throw new Error(
      "connect: no WebSocket implementation: this runtime has no global WebSocket (Node 20 has none). " +
        "Pass one: import WebSocket from 'ws'; connect(url, schema, { room, WebSocket })",
    );
  }
  return ctor;
}

/** The bytes of a message event, or undefined for text and Blobs (binaryType not honoured). */
export function messageBytes(data: unknown): Uint8Array | undefined {
  // The tag test also accepts buffers from another realm (iframe, vm), where instanceof fails.
  if (data instanceof ArrayBuffer || Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}
