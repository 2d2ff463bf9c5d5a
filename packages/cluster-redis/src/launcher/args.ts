// The launcher's command line: commander reads its shape, `resolveOptions` checks every value
// and says what it expected, so a typo fails before any process starts.
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, resolve } from 'node:path';
import { Command } from 'commander';

/** A problem with how the launcher was invoked: exit code 2, nothing started. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What the launcher runs, checked. */
export interface LauncherOptions {
  /** The server entry, absolute. */
  entry: string;
  /** Arguments given to every node's entry (after `--`). */
  entryArgs: string[];
  /** Extra flags for every node's `node` (`--node-arg=--conditions=source`). */
  nodeArgs: string[];
  nodes: number;
  /** Node i listens on `port + i`. */
  port: number;
  /** The port every node also listens on (SO_REUSEPORT), if any. */
  sharedPort: number | undefined;
  redisUrl: string;
  startRedis: boolean;
  /** After SIGTERM, how long (ms) the nodes have to exit before SIGKILL. */
  stopTimeoutMs: number;
}

export const DEFAULT_PORT = 9001;
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_STOP_TIMEOUT_MS = 30_000;
export const MAX_NODES = 256;
const ENTRY_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];

/** The options as commander hands them over: strings, not checked yet. */
export interface RawOptions {
  nodes?: string;
  port?: string;
  sharedPort?: string;
  redis?: string;
  startRedis?: true;
  stopTimeout?: string;
  nodeArg?: string[];
}

/**
 * The command's definition. `onRun` receives the entry, its arguments and the raw options;
 * `runLauncher` resolves them with `resolveOptions`.
 */
export function launcherCommand(onRun: (entry: string, entryArgs: string[], raw: RawOptions) => void): Command {
  return new Command('netschema-cluster')
    .description('Runs a netschema server entry as N cluster nodes on this machine: one process per node, restarted when it crashes, stopped together.')
    .argument('<entry>', 'the server entry (.js, .mjs, .cjs; .ts, .mts, .cts run through tsx from your project)')
    .argument('[entryArgs...]', 'arguments for every node\'s entry, after --')
    .option('--nodes <n>', `how many nodes (default: os.availableParallelism(), here ${availableParallelism()})`)
    .option('--port <p>', `the first node's port; node i gets p + i (default: ${DEFAULT_PORT})`)
    .option('--shared-port <s>', 'a port every node also listens on; Linux spreads connections over the nodes (SO_REUSEPORT)')
    .option('--redis <url>', `the Redis of the cluster (default: REDIS_URL, else ${DEFAULT_REDIS_URL})`)
    .option('--start-redis', 'if nothing answers at a 127.0.0.1/localhost URL, start redis-server there (no persistence) and stop it on exit')
    .option('--stop-timeout <ms>', `after SIGTERM, how long the nodes have to exit before SIGKILL (default: ${DEFAULT_STOP_TIMEOUT_MS})`)
    .option('--node-arg <flag>', 'an extra flag for every node\'s node process, e.g. --node-arg=--conditions=source (repeatable)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nEvery node runs `node <entry> [entryArgs]` with the environment NETSCHEMA_NODE_INDEX (0 to n-1), NETSCHEMA_NODES, ' +
        'PORT, REDIS_URL and, with --shared-port, NETSCHEMA_SHARED_PORT. On SIGTERM the entry should call server.drain() ' +
        'or server.close(), then exit.\n\nExamples:\n' +
        '  $ netschema-cluster dist/server.js --nodes 4 --redis redis://10.0.0.5:6379\n' +
        '  $ netschema-cluster src/server.ts --nodes 2 --start-redis -- --verbose\n',
    )
    .action((entry: string, entryArgs: string[], raw: RawOptions) => onRun(entry, entryArgs, raw));
}

function wholeNumber(flag: string, text: string, min: number, max: number, why = ''): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}${why}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** Checks the raw values against each other and the file system; throws UsageError naming the option. */
export function resolveOptions(entry: string, entryArgs: string[], raw: RawOptions, env: NodeJS.ProcessEnv, cwd: string): LauncherOptions {
  const file = resolve(cwd, entry);
  if (!existsSync(file)) throw new UsageError(`<entry>: no such file: ${file} (from ${JSON.stringify(entry)} in ${cwd})`);
  if (!statSync(file).isFile()) throw new UsageError(`<entry>: expected a file, got a directory: ${file}`);
  if (!ENTRY_EXTENSIONS.includes(extname(file))) {
    throw new UsageError(`<entry>: expected a ${ENTRY_EXTENSIONS.join(', ')} file, got ${JSON.stringify(entry)}`);
  }

  const nodes = raw.nodes === undefined ? availableParallelism() : wholeNumber('--nodes', raw.nodes, 1, MAX_NODES);
  const port = wholeNumber('--port', raw.port ?? String(DEFAULT_PORT), 1, 65536 - nodes, nodes > 1 ? ` (nodes 0 to ${nodes - 1} take ports p to p + ${nodes - 1})` : '');
  let sharedPort: number | undefined;
  if (raw.sharedPort !== undefined) {
    sharedPort = wholeNumber('--shared-port', raw.sharedPort, 1, 65535);
    if (sharedPort >= port && sharedPort < port + nodes) {
      throw new UsageError(`--shared-port: expected a port outside the nodes' own ports ${port} to ${port + nodes - 1}, got ${sharedPort}`);
    }
  }

  const redisUrl = raw.redis ?? (env.REDIS_URL || DEFAULT_REDIS_URL);
  const from = raw.redis !== undefined ? '--redis' : env.REDIS_URL ? '--redis (from REDIS_URL)' : '--redis';
  let url: URL;
  try {
    url = new URL(redisUrl);
  } catch {
    throw new UsageError(`${from}: expected a URL like redis://host:6379, got ${JSON.stringify(redisUrl)}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UsageError(`${from}: expected a redis:// or rediss:// URL, got ${JSON.stringify(redisUrl)}`);
  }

  const nodeArgs = raw.nodeArg ?? [];
  for (const a of nodeArgs) {
    if (!a.startsWith('-')) throw new UsageError(`--node-arg: expected a node flag such as --conditions=source, got ${JSON.stringify(a)} (write --node-arg=<flag>)`);
  }

  return {
    entry: file,
    entryArgs,
    nodeArgs,
    nodes,
    port,
    sharedPort,
    redisUrl,
    startRedis: raw.startRedis === true,
    stopTimeoutMs: wholeNumber('--stop-timeout', raw.stopTimeout ?? String(DEFAULT_STOP_TIMEOUT_MS), 0, 3_600_000, ' ms'),
  };
}
