// The seam between a room and the transport that carries its clients' bytes: what a Room needs
// from its server. The uWebSockets.js server implements it; so can any other transport, or a
// test. Generic over the client and room types so that this module imports neither.
import type { SchemaModule } from '../codec/schema-module.js';

/** How a send went: straight out, queued behind unsent data, or refused (the queue is full). */
export type SendResult = 'sent' | 'backpressure' | 'dropped';

/** What a room needs from its server (`Room` uses it as `RoomHost<Client, Room>`). */
export interface RoomHost<C, R> {
  readonly schema: SchemaModule;
  /** Sends bytes to a client's connection: sent, queued behind unsent data (backpressure), or dropped. */
  sendBytes(client: C, bytes: Uint8Array): SendResult;
  bufferedAmount(client: C): number;
  closeClient(client: C, code: number, reason: string): void;
  report(error: unknown, where: string): void;
  /** Buffered bytes above which a client's frames are skipped until it drains. */
  readonly pauseBytes: number;
  /** How long (ms) a client may stay congested before it is disconnected. */
  readonly stuckMs: number;
  disposed(room: R): void;
  /** Its flags changed (private, locked): a cluster's registry hears it. */
  roomChanged(room: R): void;
  /** A client's session ended: it can no longer be resumed. */
  left(client: C): void;
}
