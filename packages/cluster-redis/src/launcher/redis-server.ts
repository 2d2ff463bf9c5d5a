// The launcher's Redis: whether one answers at the URL, and, with --start-redis, a redis-server
// of its own on this machine (no persistence) that it stops on exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { UsageError } from './args.js';

/** Where the URL points, and whether the launcher may start a Redis there. */
export interface RedisTarget {
  host: string;
  port: number;
  /** 127.0.0.1, localhost or ::1: a Redis the launcher can start. */
  local: boolean;
  tls: boolean;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function redisTarget(url: string): RedisTarget {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: u.port === '' ? 6379 : Number(u.port), local: LOCAL_HOSTS.has(u.hostname), tls: u.protocol === 'rediss:' };
}

/**
 * What answers at host:port: 'redis' (a RESP reply to PING, `+PONG` or an error such as
 * NOAUTH), 'nothing' (connection refused or unreachable), or 'other' (something else listens).
 */
export function probeRedis(host: string, port: number, timeoutMs = 1000): Promise<'redis' | 'nothing' | 'other'> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let connected = false;
    const done = (answer: 'redis' | 'nothing' | 'other') => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(connected ? 'other' : 'nothing'));
    socket.once('error', () => done(connected ? 'other' : 'nothing'));
    socket.once('data', (d: Buffer) => done(d[0] === 0x2b /* + */ || d[0] === 0x2d /* - */ ? 'redis' : 'other'));
    socket.connect(port, host, () => {
      connected = true;
      socket.write('PING\r\n');
    });
  });
}

/** A redis-server the launcher started. */
export interface StartedRedis {
  readonly pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`; resolves once it has exited. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL now, without waiting (for the process's exit handler). */
  kill(): void;
}

/** Starts `redis-server` on this machine and resolves once it answers PING; rejects with its output if it cannot start. */
export async function startRedisServer(target: RedisTarget, readyTimeoutMs = 10_000): Promise<StartedRedis> {
  const bind = target.host === 'localhost' ? ['127.0.0.1', '-::1'] : [target.host];
  // Its own process group: a Ctrl-C in the terminal reaches the launcher only, so Redis outlives
  // the nodes' drain (they leave the registry on their way out) and the launcher stops it last.
  const proc = spawn('redis-server', ['--port', String(target.port), '--bind', ...bind, '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let exited = proc.exitCode !== null;
  const exit = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      exited = true;
      resolve();
    });
    proc.once('error', () => {
      exited = true;
      resolve();
    });
  });
  const spawnError = new Promise<Error>((resolve) => proc.once('error', resolve));

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 100))]);
    if (failed !== null) {
      const missing = (failed as NodeJS.ErrnoException).code === 'ENOENT';
      throw new UsageError(
        missing
          ? '--start-redis: redis-server is not on PATH. Install Redis (Debian: apt-get install -y redis-server) or start one yourself and pass --redis <url>'
          : `--start-redis: could not run redis-server: ${failed.message}`,
      );
    }
    if (exited) throw new Error(`redis-server exited at once (port ${target.port}); its output:\n${output.trim()}`);
    if ((await probeRedis(target.host, target.port, 500)) === 'redis') break;
    if (Date.now() > deadline) {
      kill(proc);
      throw new Error(`redis-server did not answer on ${target.host}:${target.port} within ${readyTimeoutMs} ms; its output:\n${output.trim()}`);
    }
  }
  return {
    pid: proc.pid!,
    async stop(timeoutMs = 5000) {
      if (exited) return;
      proc.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)));
      if (await Promise.race([exit.then(() => false), late])) {
        kill(proc);
        await exit;
      }
      clearTimeout(timer);
    },
    kill: () => {
      if (!exited) kill(proc);
    },
  };
}

function kill(proc: ChildProcess): void {
  try {
    proc.kill('SIGKILL');
  } catch {
    // Already gone.
  }
}
