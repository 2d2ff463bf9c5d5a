/**
 * A rooms server in its own process, for the fuzzer and the soak: its RSS is its own, and a hung
 * event loop shows as a stats request that gets no answer. Configured by one JSON argument;
 * reports `{ type: 'listening', port }`, then answers `{ type: 'stats' }` over IPC.
 */
import { NetServer, type LimitOptions } from '../../src/index.js';
import { FuzzRoom, type FuzzRoomOptions } from './fuzz-room.js';
import * as schema from './fuzz-schema.netschema.js';

export interface ServerChildConfig {
  room: FuzzRoomOptions & { tickRate: number; maxClients: number; disposeDelayMs: number };
  resumeGraceMs: number;
  /**
   * The server's limits. Every test client comes from 127.0.0.1, so per-address limits would
   * turn most fuzzing connections away at the join; the tools raise them to act as many
   * addresses would (`--default-limits` keeps the server's defaults).
   */
  limits?: LimitOptions;
}

/** What a stats request returns. `sessions` counts clients in rooms, connected or held. */
export interface ServerStats {
  type: 'stats';
  rssMib: number;
  heapMib: number;
  rooms: number;
  sessions: number;
  held: number;
  errors: number;
  errorSamples: string[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as ServerChildConfig;
let errors = 0;
const errorSamples: string[] = [];
const server = await NetServer.listen({
  schema,
  resumeGraceMs: config.resumeGraceMs,
  // Who a connection is, from `?user=`: sessions are bound to it, so a token presented by
  // another user must not resume the session. No `user`: an anonymous connection.
  auth: (req) => {
    const id = req.query.get('user');
    return id ? { id } : undefined;
  },
  ...config.limits,
  onError: (e, where) => {
    errors++;
    if (errorSamples.length < 10) errorSamples.push(`${where}: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300));
  },
});
const { tickRate, maxClients, disposeDelayMs, ...roomOptions } = config.room;
server.define('fuzz', FuzzRoom, { tickRate, maxClients, disposeDelayMs });
// One room made up front, so honest clients and fuzzers can target it by id too.
const main = server.create('fuzz', roomOptions);

function stats(): ServerStats {
  let sessions = 0;
  let held = 0;
  for (const listing of server.rooms()) {
    const room = server.room(listing.id);
    if (!room) continue;
    sessions += room.clients.length;
    for (const c of room.clients) if (!c.connected) held++;
  }
  const mem = process.memoryUsage();
  return { type: 'stats', rssMib: mem.rss / 2 ** 20, heapMib: mem.heapUsed / 2 ** 20, rooms: server.rooms().length, sessions, held, errors, errorSamples };
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'stats') process.send!(stats());
  else if (m.type === 'close') void server.close().then(() => process.exit(0));
});
// The parent's death ends this process too: no server left behind.
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'listening', port: server.port, mainRoom: main.id });
