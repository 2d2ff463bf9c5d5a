// A real redis-server for tests and benchmarks: a child process on a free 127.0.0.1 port, with
// nothing saved to disk, that can be killed and restarted on the same port (the fault tests).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { freePort } from './free-port.js';

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
  /** Starts again on the same port, with no data (as after a crash without persistence). */
  restart(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

/** Whether something answers PING with +PONG on the port. */
export function pings(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = new Socket();
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('error', () => done(false));
    sock.connect(port, '127.0.0.1', () => sock.write('PING\r\n'));
    sock.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

function launch(port: number): { proc: ChildProcess; stderr: () => string } {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  return { proc, stderr: () => err };
}

async function waitUp(port: number, proc: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await pings(port))) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`redis-server on port ${port} exited (${proc.exitCode ?? proc.signalCode}): ${stderr().trim()}`);
    if (Date.now() > deadline) {
      // Not left running for the rest of the test run: the caller never gets a handle to stop it.
      proc.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not answer PING within 10 s: ${stderr().trim()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function exited(proc: ChildProcess): Promise<void> {
  return proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
}

/** Starts a redis-server on a free port; throws, saying how to install it, when it is missing. */
export async function startRedis(): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version']).error) throw new Error('redis-server is not installed; install it: apt-get install -y redis-server');
  const port = await freePort();
  let current = launch(port);
  await waitUp(port, current.proc, current.stderr);
  const end = async (signal: NodeJS.Signals) => {
    current.proc.kill(signal);
    await exited(current.proc);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGKILL');
      current = launch(port);
      await waitUp(port, current.proc, current.stderr);
    },
  };
}
