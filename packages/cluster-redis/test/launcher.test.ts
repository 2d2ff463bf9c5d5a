// `netschema-cluster`: its arguments, its supervisor (restarts, giving up, the stop timeout), and
// the real command on 127.0.0.1: two nodes of fixtures/launcher-node.ts on a Redis it starts,
// both registered, one killed with SIGKILL and restarted, then SIGTERM stops everything.
// Every wait polls against a deadline; nothing asserts on timing.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NetServer } from '@netschema/transport-uws';
import { afterAll, describe, expect, it } from 'vitest';
import * as netSchema from '@netschema/test-fixtures/schemas/net.netschema';
import { resolveOptions, UsageError, type RawOptions } from '../src/launcher/args.js';
import { Supervisor } from '../src/launcher/supervisor.js';
import { redisCluster } from '../src/index.js';
import { alive, freePorts } from '@netschema/test-fixtures/support/free-port';

const BIN = fileURLToPath(new URL('../bin/netschema-cluster.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/launcher-node.ts', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Polls `fn` until it returns something other than undefined/false; fails after `ms` naming `what`. */
async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const raw = { nodes: '2' };
const usage = (entry: string, r: RawOptions) => {
  try {
    resolveOptions(entry, [], r, {}, HERE);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('arguments', () => {
  it('applies the defaults: REDIS_URL, port 9001, 30 s stop timeout', () => {
    const o = resolveOptions('fixtures/launcher-node.ts', ['--x'], raw, { REDIS_URL: 'redis://10.0.0.5:6380' }, HERE);
    expect(o).toMatchObject({ entry: FIXTURE, entryArgs: ['--x'], nodes: 2, port: 9001, sharedPort: undefined, redisUrl: 'redis://10.0.0.5:6380', startRedis: false, stopTimeoutMs: 30_000 });
    expect(resolveOptions(FIXTURE, [], {}, {}, HERE).redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('says what, where and what was expected', () => {
    expect(usage('fixtures/nope.ts', raw)).toMatch(/^<entry>: no such file: .*fixtures\/nope\.ts/);
    expect(usage('fixtures', raw)).toMatch(/^<entry>: expected a file, got a directory/);
    expect(usage('launcher.test.ts', { nodes: 'two' })).toBe('--nodes: expected a whole number from 1 to 256, got "two"');
    expect(usage('launcher.test.ts', { nodes: '3', port: '65534' })).toBe('--port: expected a whole number from 1 to 65533 (nodes 0 to 2 take ports p to p + 2), got "65534"');
    expect(usage('launcher.test.ts', { nodes: '2', port: '9001', sharedPort: '9002' })).toBe("--shared-port: expected a port outside the nodes' own ports 9001 to 9002, got 9002");
    expect(usage('launcher.test.ts', { ...raw, redis: 'http://x' })).toBe('--redis: expected a redis:// or rediss:// URL, got "http://x"');
    expect(usage('launcher.test.ts', { ...raw, stopTimeout: '-1' })).toBe('--stop-timeout: expected a whole number from 0 to 3600000 ms, got "-1"');
    expect(usage('launcher.test.ts', { ...raw, nodeArg: ['conditions=source'] })).toMatch(/^--node-arg: expected a node flag/);
  });
});

describe('supervisor', () => {
  const node = (code: string) => () => spawn(process.execPath, ['-e', code], { stdio: 'ignore', detached: true });

  it('restarts a node that exits, and leaves it down after 5 crashes within the window', async () => {
    const log: string[] = [];
    let gaveUp = false;
    const s = new Supervisor({ nodes: 1, spawn: node('process.exit(3)'), log: (m) => log.push(m), restartDelayMs: 10, onAllGaveUp: () => (gaveUp = true) });
    s.start();
    await until('the supervisor to give up', () => gaveUp);
    expect(log.slice(0, 4).every((l) => /^node 0 exited with code 3; restarting it in \d+ ms \(crash \d of 5 allowed within 60 s\)$/.test(l))).toBe(true);
    expect(log[4]).toBe('node 0 exited with code 3; it crashed 5 times within 60 s: not restarting it');
    expect(log).toHaveLength(5);
    expect(await s.stop(1000)).toEqual({ killed: [] });
  });

  it('kills a node that ignores SIGTERM once the stop timeout has passed', async () => {
    let ready = 0;
    const s = new Supervisor({
      nodes: 2,
      spawn: (i) => {
        const handler = i === 0 ? "process.on('SIGTERM', () => {});" : '';
        const child = spawn(process.execPath, ['-e', `${handler} console.log('ready'); setInterval(() => {}, 1000)`], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
        child.stdout!.once('data', () => ready++);
        return child;
      },
      log: () => {},
    });
    s.start();
    const pids = s.pids() as number[];
    await until('both nodes to be ready', () => ready === 2);
    expect(await s.stop(200)).toEqual({ killed: [0] });
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });
});

describe('netschema-cluster', () => {
  let launcher: ChildProcess | undefined;
  let out = '';
  let observer: NetServer | undefined;
  const pids = new Set<number>();

  afterAll(async () => {
    await observer?.close();
    if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill('SIGTERM');
      await until('the launcher to exit', () => launcher!.exitCode !== null || launcher!.signalCode !== null, 40_000).catch(() => {});
    }
    // Whatever a failed run left behind.
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  /** Every `node <i> started: pid <p>` line so far, in order. */
  const started = (i: number): number[] => [...out.matchAll(new RegExp(`\\[cluster\\] node ${i} started: pid (\\d+)`, 'g'))].map((m) => Number(m[1]));

  it('runs 2 nodes on a Redis it starts, restarts a killed node, and stops everything on SIGTERM', async () => {
    const port = await freePorts(2);
    const redisPort = await freePorts(1);
    const redisUrl = `redis://127.0.0.1:${redisPort}`;
    launcher = spawn(process.execPath, [BIN, FIXTURE, '--nodes', '2', '--port', String(port), '--redis', redisUrl, '--start-redis', '--node-arg=--conditions=source'], {
      cwd: HERE,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, REDIS_URL: '' },
    });
    launcher.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    launcher.stderr!.on('data', (d: Buffer) => (out += d.toString()));

    const redisPid = Number((await until('redis-server to start', () => /started redis-server on 127\.0\.0\.1:\d+ \(pid (\d+)/.exec(out)?.[1]))!);
    pids.add(redisPid);
    const [first0, first1] = await until('both nodes to start', () => started(0).length > 0 && started(1).length > 0 && [started(0)[0]!, started(1)[0]!]);
    pids.add(first0).add(first1);

    // A third node, in this process, reads the registry.
    observer = await NetServer.listen({ schema: netSchema, cluster: redisCluster({ url: redisUrl, log: () => {} }) });
    const nodeAt = async (p: number) => (await observer!.rooms({ cluster: true })).find((r) => r.url === `ws://127.0.0.1:${p}/ws`)?.node;
    const [node0, node1] = await until('both nodes to register their rooms', async () => {
      const a = await nodeAt(port);
      const b = await nodeAt(port + 1);
      return a !== undefined && b !== undefined && [a, b];
    });
    expect(node0).not.toBe(node1);
    // Each node's output arrives prefixed, with the environment the launcher gave it.
    expect(out).toContain(`[node 0] node 0 of 2: ws://127.0.0.1:${port}/ws as ${node0}`);
    expect(out).toContain(`[node 1] node 1 of 2: ws://127.0.0.1:${port + 1}/ws as ${node1}`);

    process.kill(first1, 'SIGKILL');
    await until('the launcher to report the crash', () => out.includes('[cluster] node 1 was killed by SIGKILL; restarting it in'));
    const second1 = await until('node 1 to start again', () => started(1)[1]);
    pids.add(second1);
    expect(second1).not.toBe(first1);
    // The new process is a new node (its own id) on the same port; node 0 never stopped.
    const again = await until('the restarted node to register', async () => {
      const n = await nodeAt(port + 1);
      return n !== undefined && n !== node1 && n;
    });
    expect(again).not.toBe(node0);
    expect(started(0)).toEqual([first0]);

    await observer.close();
    observer = undefined;
    launcher.kill('SIGTERM');
    const code = await until('the launcher to exit', () => launcher!.exitCode ?? undefined, 40_000);
    expect(code).toBe(0);
    expect(out).toContain('[node 0] SIGTERM: draining');
    expect(out).toContain('[node 1] SIGTERM: draining');
    expect(out).toContain(`[cluster] stopping the redis-server it started (pid ${redisPid})`);
    for (const pid of [first0, second1, redisPid]) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 90_000);
});
