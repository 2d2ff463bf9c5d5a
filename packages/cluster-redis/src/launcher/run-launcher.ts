// `netschema-cluster`: reads the command line, makes sure a Redis answers (starting one with
// --start-redis), runs the nodes under a Supervisor, and on SIGINT/SIGTERM/SIGHUP stops the
// nodes, then the Redis it started. Returns the exit code instead of exiting, for tests.
import { spawn } from 'node:child_process';
import { CommanderError } from 'commander';
import { launcherCommand, resolveOptions, UsageError, type LauncherOptions } from './args.js';
import { entryCommand } from './entry-command.js';
import { prefixLines } from './prefix-lines.js';
import { probeRedis, redisTarget, startRedisServer, type StartedRedis } from './redis-server.js';
import { Supervisor } from './supervisor.js';

/** Exit codes: 0 stopped cleanly, 1 a node had to be killed or every node crashed too often, 2 usage errors. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface LauncherIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
  /** Resolves with the name of the signal that asks the launcher to stop (a second one forces it). */
  readonly stopSignals: (onSignal: (name: string) => void) => void;
  /** Runs `fn` if the process exits while nodes still run (a last-resort cleanup). */
  readonly onExit: (fn: () => void) => void;
}

export async function runLauncher(argv: readonly string[], io: LauncherIo): Promise<number> {
  const log = (s: string) => io.stdout.write(`[cluster] ${s}\n`);
  let options: LauncherOptions | undefined;
  const program = launcherCommand((entry, entryArgs, raw) => {
    options = resolveOptions(entry, entryArgs, raw, io.env, io.cwd);
  })
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();
  let nodeArgv: string[];
  try {
    program.parse([...argv], { from: 'user' });
    if (options === undefined) return EXIT_USAGE;
    nodeArgv = entryCommand(options.entry, options.entryArgs, options.nodeArgs, io.cwd);
  } catch (e) {
    if (e instanceof CommanderError) return e.code === 'commander.helpDisplayed' ? EXIT_OK : EXIT_USAGE;
    if (e instanceof UsageError) {
      io.stderr.write(`netschema-cluster: ${e.message}\n(run with --help for usage)\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  const o = options;


  // Signals are caught from here on, so a Ctrl-C while Redis starts still stops what was started.
  let supervisor: Supervisor | undefined;
  let redis: StartedRedis | null = null;
  io.onExit(() => {
    supervisor?.killAll();
    redis?.kill();
  });
  let forced = false;
  let stopAsked = '';
  const stopRequested = new Promise<string>((resolve) => {
    let signals = 0;
    io.stopSignals((name) => {
      if (++signals === 1) resolve((stopAsked = name));
      else if (signals === 2) {
        forced = true;
        log(`${name} again: killing the nodes now`);
        supervisor?.killAll();
      }
    });
  });

  try {
    // A signal meanwhile waits for this: the Redis being started is stopped below like any other.
    redis = await ensureRedis(o, log);
  } catch (e) {
    io.stderr.write(`netschema-cluster: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof UsageError ? EXIT_USAGE : EXIT_FAILED;
  }

  let allGaveUp!: () => void;
  const gaveUp = new Promise<string>((resolve) => (allGaveUp = () => resolve('')));
  supervisor = new Supervisor({
    nodes: o.nodes,
    log,
    onAllGaveUp: () => allGaveUp(),
    spawn: (i) => {
      const env: NodeJS.ProcessEnv = { ...io.env, NETSCHEMA_NODE_INDEX: String(i), NETSCHEMA_NODES: String(o.nodes), PORT: String(o.port + i), REDIS_URL: o.redisUrl };
      if (o.sharedPort !== undefined) env.NETSCHEMA_SHARED_PORT = String(o.sharedPort);
      else delete env.NETSCHEMA_SHARED_PORT;
      // Detached: each node leads its own process group, so a Ctrl-C in the terminal reaches the
      // launcher only, and the nodes get the SIGTERM (drain) the launcher sends instead of a SIGINT.
      const child = spawn(process.execPath, nodeArgv, { cwd: io.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      prefixLines(child.stdout!, `[node ${i}]`, io.stdout);
      prefixLines(child.stderr!, `[node ${i}]`, io.stderr);
      if (child.pid !== undefined) log(`node ${i} started: pid ${child.pid}, port ${o.port + i}`);
      return child;
    },
  });

  const shared = o.sharedPort !== undefined ? `, all on shared port ${o.sharedPort}` : '';
  log(`starting ${o.nodes} node${o.nodes === 1 ? '' : 's'} of ${o.entry} on ports ${o.port}${o.nodes > 1 ? ` to ${o.port + o.nodes - 1}` : ''}${shared}, Redis ${o.redisUrl}`);
  if (stopAsked === '') supervisor.start();

  const why = await Promise.race([stopRequested, gaveUp]);
  if (why === '') log('every node crashed too often: stopping');
  else log(`${why}: stopping the nodes (SIGTERM; SIGKILL after ${o.stopTimeoutMs} ms)`);
  const { killed } = await supervisor.stop(o.stopTimeoutMs);
  if (killed.length > 0 && !forced) log(`node${killed.length === 1 ? '' : 's'} ${killed.join(', ')} did not exit within ${o.stopTimeoutMs} ms: killed`);
  if (redis !== null) {
    log(`stopping the redis-server it started (pid ${redis.pid})`);
    await redis.stop();
  }
  log('stopped');
  return why === '' || killed.length > 0 || forced ? EXIT_FAILED : EXIT_OK;
}

/** Null when a Redis answers at the URL; the one it started with --start-redis; else throws saying what to do. */
async function ensureRedis(o: LauncherOptions, log: (s: string) => void): Promise<StartedRedis | null> {
  const target = redisTarget(o.redisUrl);
  // Over TLS a plain PING gets no answer: the nodes themselves will say whether it is up.
  if (target.tls) {
    if (o.startRedis) throw new UsageError(`--start-redis: starts a plain redis:// Redis on this machine, but --redis is ${o.redisUrl}`);
    return null;
  }
  const answer = await probeRedis(target.host, target.port);
  if (answer === 'redis') {
    log(`Redis answers at ${o.redisUrl}${o.startRedis ? ': using it (--start-redis starts none)' : ''}`);
    return null;
  }
  if (answer === 'other') throw new Error(`something listens at ${target.host}:${target.port} (from ${o.redisUrl}) but does not answer PING like Redis`);
  if (!o.startRedis) throw new Error(`nothing answers at ${o.redisUrl}: start Redis there, point --redis (or REDIS_URL) at one, or pass --start-redis to start one on this machine`);
  if (!target.local) throw new UsageError(`--start-redis: starts Redis on this machine only (127.0.0.1 or localhost), but nothing answers at ${o.redisUrl}`);
  const started = await startRedisServer(target);
  log(`started redis-server on ${target.host}:${target.port} (pid ${started.pid}, no persistence); it stops with the cluster`);
  return started;
}
