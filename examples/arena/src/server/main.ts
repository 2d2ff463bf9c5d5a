// `pnpm start`: the arena server with bots; prints the URL to open; Ctrl-C stops it cleanly.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startArena } from './arena-server.js';

const USAGE = `usage: pnpm start [-- options]
  --host <addr>        listen address (default 127.0.0.1; 0.0.0.0 to let other machines join)
  --port <n>           HTTP port of the page (default 8080); the WebSocket server takes the next one
  --bots <n>           server-side bots (default 8)
  --patch-rate <hz>    frames per second each client receives (default 20)
  --peaceful           bots do not shoot
  --public <dir>       the built page (default dist/public, written by pnpm build)
env NETSCHEMA_INSPECTOR_TOKEN=<16+ chars> also serves the inspector page on 127.0.0.1, port + 2`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    bots: { type: 'string', default: '8' },
    'patch-rate': { type: 'string', default: '20' },
    peaceful: { type: 'boolean', default: false },
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

const arena = await startArena({
  host: values.host,
  httpPort: port,
  wsPort: port === 0 ? 0 : port + 1,
  bots: int('bots', values.bots, 0, 200),
  patchRate: int('patch-rate', values['patch-rate'], 1, 60),
  botsShoot: !values.peaceful,
  publicDir: values.public,
  // The inspector is opt-in: only with a token, and on 127.0.0.1 whatever --host says.
  ...(process.env.NETSCHEMA_INSPECTOR_TOKEN
    ? { inspector: { port: port === 0 ? 0 : port + 2, auth: { token: process.env.NETSCHEMA_INSPECTOR_TOKEN } } }
    : {}),
});

process.stdout.write(
  `netschema arena: ${arena.room.fighters.length} bot${arena.room.fighters.length === 1 ? '' : 's'} playing\n` +
    `  open ${arena.url} in a browser (two tabs: two players)\n` +
    `  bots: pnpm --filter @netschema/example-arena bots -- --bots 10 --url ${arena.wsUrl}\n` +
    (arena.net.inspectorPort !== undefined ? `  inspector: http://127.0.0.1:${arena.net.inspectorPort}/?token=<NETSCHEMA_INSPECTOR_TOKEN>\n` : '') +
    `  Ctrl-C stops the server\n`,
);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: closing…\n`);
  arena.close().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`close failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
