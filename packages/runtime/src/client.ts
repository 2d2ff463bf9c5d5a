/**
 * Everything a client needs, and nothing that loads decorated classes: safe to bundle for
 * browsers with any bundler.
 */
export { ReplicaWorld, type FrameChanges } from './state/replica-world.js';
export { DecodeError } from './wire/decode-error.js';
export { Reader, type ReaderLimits } from './wire/reader.js';
export type { ClassCodec, ClassMasks, FieldMask, SchemaModule, Manifest } from './codec/schema-module.js';
export { describeManifestDifference } from './protocol/manifest-diff.js';
export * from './protocol/messages.js';
export { connect, Connection, type ConnectOptions, type ConnectionEvents, type ConnectionStatus, type ConnectedEvent, type DisconnectedEvent, type ReconnectingEvent, type FrameEvent, type OwnedEvent, type SchemaClass } from './net/connection.js';
export { ConnectionStats } from './net/client-stats.js';
export { ServerError } from './net/server-error.js';
export { DEFAULT_RECONNECT, type ReconnectOptions } from './net/backoff.js';
export type { WebSocketConstructor, WebSocketLike } from './net/web-socket.js';
