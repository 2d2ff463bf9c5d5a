import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ServerChildConfig, ServerStats } from './server-child.js';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Thrown when the server process stops answering: its event loop is stuck (or it died). */
export class ServerHangError extends Error {
  override name = 'ServerHangError';
}

/** The parent's handle on server-child.ts: start, ask for stats (with a deadline), stop. */
export class ServerProcess {
  private readonly child: ChildProcess;
  private waiting: ((s: ServerStats) => void)[] = [];
  private exited: string | null = null;
  /** The child's stderr (uWS and Node warnings, crash traces), kept short. */
  stderr = '';
  port = 0;
  mainRoom = '';

  private constructor(config: ServerChildConfig) {
    const file = fileURLToPath(new URL('./server-child.ts', import.meta.url));
    const env = { ...process.env };
    delete env['UWS_USE_FALLBACK'];
    // As a deployed server runs: without development write checks, the bad-entity class's unchecked
    // write reaches the room, which must drop the entity and keep ticking (with checks the write
    // would throw in onJoin and the recovery would go untested).
    env['NODE_ENV'] = 'production';
    this.child = fork(file, [JSON.stringify(config)], {
      execArgv: ['--conditions=source', '--import', tsx],
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      if (this.stderr.length < 8000) this.stderr += d.toString();
    });
    this.child.on('message', (m: { type: string }) => {
      if (m.type === 'stats') for (const w of this.waiting.splice(0)) w(m as ServerStats);
    });
    this.child.on('exit', (code, signal) => (this.exited = `exited with code ${code} signal ${signal}`));
  }

  static async start(config: ServerChildConfig, ms = 20_000): Promise<ServerProcess> {
    const p = new ServerProcess(config);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server process did not start within ${ms} ms: ${p.stderr}`)), ms);
      p.child.on('message', (m: { type: string; port?: number; mainRoom?: string }) => {
        if (m.type !== 'listening') return;
        clearTimeout(timer);
        p.port = m.port!;
        p.mainRoom = m.mainRoom!;
        resolve();
      });
      p.child.on('exit', () => reject(new Error(`the server process ${p.exited}: ${p.stderr}`)));
    });
    return p;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** Stats, or ServerHangError if the process does not answer within `ms`. */
  stats(ms = 5000): Promise<ServerStats> {
    if (this.exited) return Promise.reject(new ServerHangError(`the server process ${this.exited}: ${this.stderr.slice(-2000)}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== done);
        reject(new ServerHangError(`the server process did not answer a stats request within ${ms} ms${this.exited ? ` (${this.exited})` : ''}`));
      }, ms);
      const done = (s: ServerStats) => {
        clearTimeout(timer);
        resolve(s);
      };
      this.waiting.push(done);
      this.child.send({ type: 'stats' });
    });
  }

  /** Stops the process: a graceful close first, SIGKILL if it does not exit in `ms`. */
  async stop(ms = 3000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      this.child.send({ type: 'close' });
    } catch {
      // The IPC channel is already closed: the kill below ends it.
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    await gone;
    clearTimeout(timer);
  }
}
