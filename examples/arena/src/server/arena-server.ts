// One process serves the arena: the browser bundle over HTTP (node:http) and the rooms over
// WebSocket (uWebSockets.js, on the next port). With `cluster`, the process is one node of a
// cluster (`pnpm start:cluster`): each node serves the page and its own arena room, and joins
// through any node land in the same rooms.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { NetServer, type ClusterAdapter, type InspectorOptions, type LimitOptions, type NetServerOptions } from '@netschema/transport-uws';
import { VIEW_RADIUS } from '../rules.js';
import * as schema from '../state.netschema.js';
import { ArenaRoom, type ArenaConfig } from './arena-room.js';

export interface ArenaServerOptions extends ArenaConfig {
  /** Address of both servers. Default 127.0.0.1 (this machine only); 0.0.0.0 exposes them. */
  host?: string;
  /** HTTP port of the page. Default 0 (any free port). The WebSocket server takes `wsPort`. */
  httpPort?: number;
  /** WebSocket port. Default 0 (any free port). */
  wsPort?: number;
  /** Folder with the built page (index.html, app.js): `pnpm build` writes dist/public. */
  publicDir: string;
  /** Room ticks per second (the simulation). Default 60. */
  tickRate?: number;
  /** Frames per second each client receives. Default 20. */
  patchRate?: number;
  /** Where the transport reports errors from room hooks. Default console.error. */
  onError?: (error: unknown, where: string) => void;
  /** Players per arena room; joins beyond it open another room. Default 64. */
  maxClients?: number;
  /** The transport's limits (connections and joins per address...): see docs/server.md "Limits". */
  limits?: LimitOptions;
  /** The transport's opt-in inspector page (docs/server.md "Inspector"); off when absent. */
  inspector?: InspectorOptions;
  /** Run as one node of a cluster (`redisCluster()` from @netschema/cluster-redis; docs/cluster.md). */
  cluster?: ClusterAdapter;
  /** Where other nodes redirect clients to this one. Default ws://<host>:<wsPort>/ws. */
  publicUrl?: string;
  /** A port every node of the cluster also listens on (SO_REUSEPORT: Linux spreads connections over them). */
  sharedPort?: number;
}

export interface ArenaServer {
  readonly net: NetServer;
  readonly http: Server;
  /** The page to open, e.g. http://127.0.0.1:8080/ */
  readonly url: string;
  /** The WebSocket endpoint, e.g. ws://127.0.0.1:8081/ws (bots connect here). */
  readonly wsUrl: string;
  /** The arena room (created at start, so its bots play before anyone joins). */
  readonly room: ArenaRoom;
  /** Closes every client (1001), the rooms and both listeners. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.css': 'text/css; charset=utf-8',
};

export async function startArena(options: ArenaServerOptions): Promise<ArenaServer> {
  const host = options.host ?? '127.0.0.1';
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(options.publicDir)) {
    const type = TYPES[extname(name)];
    if (type) files.set(`/${name}`, { type, body: readFileSync(join(options.publicDir, name)) });
  }
  if (!files.has('/index.html') || !files.has('/app.js')) {
    throw new Error(`${options.publicDir} has no index.html and app.js: build the page first (pnpm --filter @netschema/example-arena build)`);
  }

  const netOptions: Parameters<typeof NetServer.listen>[0] = { ...options.limits, schema, host, port: options.wsPort ?? 0 };
  if (options.onError) netOptions.onError = options.onError;
  if (options.inspector) netOptions.inspector = options.inspector;
  if (options.cluster) netOptions.cluster = options.cluster;
  if (options.publicUrl) netOptions.publicUrl = options.publicUrl;
  if (options.sharedPort !== undefined) netOptions.sharedPort = options.sharedPort;
  const net = await NetServer.listen(netOptions);
  const tickRate = options.tickRate ?? 60;
  const patchRate = options.patchRate ?? 20;
  const game: ArenaConfig = { tickRate, patchRate };
  for (const k of ['bots', 'botsShoot', 'pickups', 'area', 'seed'] as const) if (options[k] !== undefined) (game as Record<string, unknown>)[k] = options[k];
  net.define('arena', ArenaRoom.with(game), {
    tickRate,
    patchRate,
    maxClients: options.maxClients ?? 64,
    // Rooms opened for joins beyond maxClients go once their last player has left.
    disposeDelayMs: 5000,
    grid: { cellSize: VIEW_RADIUS },
  });
  const room = net.create('arena') as ArenaRoom;
  // The main arena persists: its bots keep playing while nobody is connected.
  room.disposeDelayMs = Infinity;

  // The page learns where the WebSocket server is from /config.json (same host name it was loaded from).
  const config = Buffer.from(JSON.stringify({ wsPort: net.port, path: '/ws', room: 'arena' }));
  const http = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = path === '/' ? files.get('/index.html') : path === '/config.json' ? { type: 'application/json', body: config } : files.get(path);
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET' || file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.httpPort ?? 0, host, () => resolve());
    });
  } catch (e) {
    await net.close();
    throw e;
  }
  const httpPort = (http.address() as { port: number }).port;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    net,
    http,
    room,
    url: `http://${shown}:${httpPort}/`,
    wsUrl: `ws://${shown}:${net.port}/ws`,
    close() {
      closing ??= (async () => {
        await net.close();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closing;
    },
  };
}
