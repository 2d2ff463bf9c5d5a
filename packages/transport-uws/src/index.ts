// The uWebSockets.js transport: rooms on a WebSocket server, and the pieces they stand on.
export { loadUws, UwsFallbackError, type FallbackReason, type LoadedUws, type LoadUwsOptions, type UwsModule } from './native.js';
export { UwsServer, UpgradeRejection, type SendResult, type SocketData, type UpgradeRequest, type UwsServerOptions, type UwsSocket } from './uws-server.js';
export { NetServer, type LimitOptions, type NetServerOptions, type RoomListing, type ServerStats } from './rooms/net-server.js';
// Room and Client live in the runtime (any transport can host them); re-exported for servers on this one.
export { Room, RoomTickStats, newRoomId, type RoomOptions } from '@netschema/runtime';
export type { ClusterAdapter, ClusterHost, ClusterRoomListing, Placement, RoomRecord } from './cluster/cluster-adapter.js';
export { nodeToken, splitNodeToken } from './cluster/node-token.js';
export type { TopicHandler } from './cluster/messaging.js';
export { Client, ServerClientStats } from '@netschema/runtime';
export type { InspectorOptions } from './inspector/inspector.js';
export type { InspectorAuth, InspectorRequest } from './inspector/inspector-auth.js';
