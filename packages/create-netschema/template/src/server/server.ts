import { NetServer } from '@netschema/transport-uws';
import * as schema from '../state.netschema.js';
import { GameRoom } from './game-room.js';

/** The game server: one room type, `game`, on ws://<host>:<port>/ws. */
export async function startServer(options: { port: number; host?: string }): Promise<NetServer> {
  const server = await NetServer.listen({ schema, port: options.port, host: options.host ?? '127.0.0.1' });
  server.define('game', GameRoom, { tickRate: 30, patchRate: 20 });
  return server;
}
