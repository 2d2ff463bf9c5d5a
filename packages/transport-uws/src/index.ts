// The uWebSockets.js transport (issue #4). So far: the native-binary check and a minimal
// WebSocket server; rooms and the protocol build on these.
export { loadUws, UwsFallbackError, type FallbackReason, type LoadedUws, type LoadUwsOptions, type UwsModule } from './native.js';
export { UwsServer, type SendResult, type SocketData, type UwsServerOptions, type UwsSocket } from './uws-server.js';
