// `pnpm start`: the arena server with bots; prints the URL to open; Ctrl-C stops it cleanly.
// Run by `netschema-cluster` (`pnpm start:cluster`), it is one node of a cluster: its WebSocket
// port, its index and the Redis come from the environment the launcher sets, and SIGTERM drains it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { redisCluster } from '@netschema/cluster-redis';
import { WORLD_SIZE } from '../rules.js';
import { startArena, type ArenaServerOptions } from './arena-server.js';

const USAGE = `usage: pnpm start [-- options]
  --host <addr>        listen address (default 127.0.0.1; 0.0.0.0 to let other machines join)
  --port <n>           HTTP port of the page (default 8080); the WebSocket server takes the next one
                       (in a cluster: node i serves the page on port + i, its WebSocket on PORT)
  --bots <n>           server-side bots (default 8)
  --patch-rate <hz>    frames per second each client receives (default 20)
  --peaceful           bots do not shoot
  --spawn-radius <n>   players, bots and pickups appear within this distance of the centre (default: anywhere)
  --drain-seconds <n>  in a cluster, how long SIGTERM waits for the node's players to leave before closing (default 10)
  --public <dir>       the built page (default dist/public, written by pnpm build)
env NETSCHEMA_INSPECTOR_TOKEN=<16+ chars> also serves the inspector page on 127.0.0.1, port + 2
env set by netschema-cluster (pnpm start:cluster): NETSCHEMA_NODE_INDEX, NETSCHEMA_NODES, PORT (the
  node's WebSocket port), REDIS_URL, NETSCHEMA_SHARED_PORT`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    bots: { type: 'string', default: '8' },
    'patch-rate': { type: 'string', default: '20' },
    peaceful: { type: 'boolean', default: false },
    'spawn-radius': { type: 'string' },
    'drain-seconds': { type: 'string', default: '10' },
    public: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'public') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
const int = (name: string, v: string, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`--${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}\n${USAGE}\n`);
    process.exit(2);
  }
  return n;
};
const port = int('port', values.port, 0, 65534);
const env = process.env;
/** Set when netschema-cluster runs this process as node `index` of `nodes`. */
const node = env.NETSCHEMA_NODE_INDEX === undefined ? null : clusterNode();

function clusterNode(): { index: number; nodes: number; wsPort: number; redisUrl: string; sharedPort: number | undefined } {
  const envInt = (name: string, min: number, max: number): number => {
    const v = env[name] ?? '';
    const n = Number(v);
    if (v === '' || !Number.isInteger(n) || n < min || n > max) {
      process.stderr.write(`${name}: expected a whole number from ${min} to ${max} (netschema-cluster sets it), got ${JSON.stringify(v)}\n`);
      process.exit(2);
    }
    return n;
  };
  if (!env.REDIS_URL) {
    process.stderr.write('REDIS_URL: expected the cluster\'s Redis URL (netschema-cluster sets it with NETSCHEMA_NODE_INDEX), got nothing\n');
    process.exit(2);
  }
  const nodes = envInt('NETSCHEMA_NODES', 1, 256);
  return {
    index: envInt('NETSCHEMA_NODE_INDEX', 0, nodes - 1),
    nodes,
    wsPort: envInt('PORT', 1, 65535),
    redisUrl: env.REDIS_URL,
    sharedPort: env.NETSCHEMA_SHARED_PORT ? envInt('NETSCHEMA_SHARED_PORT', 1, 65535) : undefined,
  };
}

const options: ArenaServerOptions = {
  host: values.host,
  httpPort: port === 0 ? 0 : port + (node?.index ?? 0),
  wsPort: node !== null ? node.wsPort : port === 0 ? 0 : port + 1,
  bots: int('bots', values.bots, 0, 200),
  patchRate: int('patch-rate', values['patch-rate'], 1, 60),
  botsShoot: !values.peaceful,
  publicDir: values.public,
};
if (values['spawn-radius'] !== undefined) options.area = { x: WORLD_SIZE / 2, y: WORLD_SIZE / 2, radius: int('spawn-radius', values['spawn-radius'], 1, WORLD_SIZE / 2) };
const drainMs = int('drain-seconds', values['drain-seconds'], 0, 3600) * 1000;
// The inspector is opt-in: only with a token, and on 127.0.0.1 whatever --host says. In a
// cluster, port + 2 belongs to another node's page: any free port, printed below.
if (env.NETSCHEMA_INSPECTOR_TOKEN) options.inspector = { port: port === 0 || node !== null ? 0 : port + 2, auth: { token: env.NETSCHEMA_INSPECTOR_TOKEN } };
if (node !== null) {
  options.cluster = redisCluster({ url: node.redisUrl });
  if (node.sharedPort !== undefined) options.sharedPort = node.sharedPort;
}

const arena = await startArena(options);

const bots = `${arena.room.fighters.length} bot${arena.room.fighters.length === 1 ? '' : 's'} playing`;
process.stdout.write(
  (node === null
    ? `netschema arena: ${bots}\n  open ${arena.url} in a browser (two tabs: two players)\n`
    : `netschema arena, node ${node.index} of ${node.nodes} (cluster on ${node.redisUrl}): ${bots}, WebSocket ${arena.wsUrl}\n` +
      `  open ${arena.url} in a browser; add ?port=<another node's WebSocket port> to play through that node\n`) +
    `  bots: pnpm --filter @netschema/example-arena bots -- --bots 10 --url ${arena.wsUrl}\n` +
    (arena.net.inspectorPort !== undefined ? `  inspector: http://127.0.0.1:${arena.net.inspectorPort}/?token=<NETSCHEMA_INSPECTOR_TOKEN>\n` : '') +
    (node === null ? `  Ctrl-C stops the server\n` : ''),
);

/**
 * A cluster node asked to stop drains: no new rooms here, joins by name go to other nodes, its
 * players keep playing for up to --drain-seconds (or until they have all left), then it closes.
 */
async function drainThenClose(): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([arena.net.drain(), new Promise((r) => (timer = setTimeout(r, drainMs)))]);
  clearTimeout(timer);
  await arena.close();
}

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  const drain = node !== null && signal === 'SIGTERM';
  process.stdout.write(`\n${signal}: ${drain ? `draining (at most ${drainMs / 1000} s)` : 'closing'}…\n`);
  (drain ? drainThenClose() : arena.close()).then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`close failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
