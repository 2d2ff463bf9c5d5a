// A test cluster of real processes: nodes forked from fixtures/cluster-node.ts, driven over IPC.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { connect, type Connection } from '@netschema/runtime/client';
import { WebSocket } from 'ws';
import * as netSchema from '@netschema/test-fixtures/schemas/net.netschema';
import type { NodeCommand } from './fixtures/cluster-node.js';

export { freePort } from '@netschema/test-fixtures/support/free-port';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const fixture = fileURLToPath(new URL('./fixtures/cluster-node.ts', import.meta.url));

/** A command without its id (the harness numbers them). */
type Command = NodeCommand extends infer C ? (C extends unknown ? Omit<C, 'id'> : never) : never;

type NodeEvent = { event: string; text?: string; roomId?: string; where?: string };

/** One node process. */
export class TestNode {
  readonly events: NodeEvent[] = [];
  url = '';
  nodeId = '';
  exited = false;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: { reply?: number; value?: unknown; error?: string } & NodeEvent) => {
      if (m.reply !== undefined) {
        const w = this.waiting.get(m.reply);
        this.waiting.delete(m.reply);
        if (m.error !== undefined) w?.reject(new Error(m.error));
        else w?.resolve(m.value);
      } else this.events.push(m);
    });
    proc.on('exit', () => {
      this.exited = true;
      for (const w of this.waiting.values()) w.reject(new Error('the node exited'));
      this.waiting.clear();
    });
  }

  static async start(env: Record<string, string>): Promise<TestNode> {
    const proc = spawn(process.execPath, ['--conditions=source', '--import', tsx, fixture], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const node = new TestNode(proc);
    const ready = await until(() => node.events.find((e) => e.event === 'ready') ?? (node.exited ? 'exited' : undefined), 'a node to start', 20_000);
    if (ready === 'exited') throw new Error('the node exited before it was ready');
    Object.assign(node, ready);
    return node;
  }

  request<T>(cmd: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.proc.send({ ...cmd, id });
    });
  }

  received(event: string): string[] {
    return this.events.filter((e) => e.event === event).map((e) => e.text ?? '');
  }

  /** kill -9, and wait for the exit. */
  async kill(): Promise<void> {
    if (this.exited) return;
    this.proc.kill('SIGKILL');
    await until(() => this.exited, 'the node to exit');
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    this.proc.kill('SIGTERM');
    await until(() => this.exited, 'the node to stop', 10_000).catch(() => this.kill());
  }
}

export interface ClusterRoom {
  id: string;
  name: string;
  clients: number;
  maxClients: number;
  node: string;
  url: string;
}

/** Starts `n` nodes on one Redis. */
export async function startNodes(n: number, env: Record<string, string>): Promise<TestNode[]> {
  return Promise.all(Array.from({ length: n }, () => TestNode.start(env)));
}

/** A client of the test room, given one or several entry URLs. */
export function client(url: string | string[], options: Partial<Parameters<typeof connect>[2]> = {}): Connection {
  return connect(url, netSchema, { room: 'arena', WebSocket: WebSocket as never, reconnect: { minDelayMs: 50, maxDelayMs: 500 }, ...options });
}

/** Polls until `fn` returns something truthy, or throws after `ms` naming what it waited for. */
export async function until<T>(fn: () => T | Promise<T>, what: string, ms = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

