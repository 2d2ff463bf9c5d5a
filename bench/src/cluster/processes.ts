/**
 * The child processes of a cluster benchmark (nodes, bots), and their end: every child started
 * here is killed when the parent exits, however it exits (an error, Ctrl-C, a timeout).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { NodeCommand, NodeConfig } from './node.js';

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`cluster bench: ${signal}, stopping every child\n`);
    process.exit(130);
  });
}

/** A module next to this one, as .ts under tsx and .js once compiled. */
export function sibling(base: string, name: string): string {
  return fileURLToPath(new URL(`${name}.${base.endsWith('.ts') ? 'ts' : 'js'}`, base));
}

/** Forks a module (the parent's execArgv, so tsx carries over); `nice`: lower its priority. */
export function start(file: string, args: string[], nice = 0): ChildProcess {
  const child = fork(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (nice !== 0 && child.pid !== undefined) setPriority(child.pid, nice);
  return child;
}

/** Resolves with the first message `pick` accepts; rejects when the child exits first or after `ms`. */
export function first<T, M>(child: ChildProcess, what: string, ms: number, pick: (m: M) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
    const onMessage = (m: unknown) => {
      const v = pick(m as M);
      if (v !== undefined) done(null, v);
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`${what}: the process exited (${code ?? signal})`));
    function done(e: Error | null, v?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (e) reject(e);
      else resolve(v as T);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** One node process (node.ts), driven by requests. */
export class NodeHandle {
  private nextId = 1;

  private constructor(
    readonly proc: ChildProcess,
    readonly url: string,
    readonly nodeId: string,
  ) {}

  static async start(config: NodeConfig, nice = 0): Promise<NodeHandle> {
    const proc = start(sibling(import.meta.url, 'node'), [JSON.stringify(config)], nice);
    const ready = await first(proc, 'a node to start', 30_000, (m: { event?: string; url?: string; nodeId?: string }) => (m.event === 'ready' ? m : undefined));
    return new NodeHandle(proc, ready.url!, ready.nodeId!);
  }

  request<T>(cmd: NodeCommand, ms = 60_000): Promise<T> {
    const id = this.nextId++;
    const reply = first(this.proc, `node ${this.nodeId}: ${cmd.cmd}`, ms, (m: { reply?: number; value?: unknown; error?: string }) => (m.reply === id ? m : undefined));
    this.proc.send({ ...cmd, id });
    return reply.then((m) => {
      if (m.error !== undefined) throw new Error(`node ${this.nodeId}: ${cmd.cmd}: ${m.error}`);
      return m.value as T;
    });
  }

  /** Closes the server (it leaves the cluster), or kills the process when that takes over 5 s. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    await this.request({ cmd: 'close' }, 5000).catch(() => this.proc.kill('SIGKILL'));
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    this.proc.kill('SIGKILL');
  }
}
