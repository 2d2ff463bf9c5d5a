// sharedPort: processes on one machine share one public port (SO_REUSEPORT) and Linux spreads
// new connections between them, while each keeps its own exclusive port. Real child processes,
// since SO_REUSEPORT groups are about sockets of separate processes; 127.0.0.1 only; every wait
// is bounded; children are killed after each test.
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { UwsServer } from '../src/index.js';
import { freePort } from '@netschema/test-fixtures/support/free-port';
import { startListening, within, type Started } from './helpers.js';

const CLIENTS = 40;

const children: ChildProcess[] = [];
const servers: UwsServer[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
});

/** Starts shared-port-server.ts on `port` (0: any), with `shared` as its shared port if given. */
async function startServer(port: number, shared?: number): Promise<Started> {
  const started = await startListening('shared-port-server.ts', [String(port), ...(shared === undefined ? [] : [String(shared)])]);
  children.push(started.child);
  return started;
}

/** Opens a WebSocket, sends one message, and resolves with the process id that answered. */
function whoAnswers(port: number): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const reply = new Promise<number>((resolve, reject) => {
    ws.once('open', () => ws.send('who'));
    ws.once('message', (data: Buffer) => resolve(Number(data.toString())));
    ws.once('error', reject);
  }).finally(() => ws.terminate());
  return within(reply, `an answer on port ${port}`);
}

describe('sharedPort', () => {
  it('two processes share one port and the kernel gives each some connections; each own port reaches its own process', async () => {
    const shared = await freePort();
    const [a, b] = await Promise.all([startServer(0, shared), startServer(0, shared)]);
    expect(a.line).toMatch(/^listening \d+$/);
    expect(b.line).toMatch(/^listening \d+$/);

    // Concurrent, as players arriving; each connection comes from its own ephemeral port.
    const pids = await Promise.all(Array.from({ length: CLIENTS }, () => whoAnswers(shared)));
    const count = (pid: number | undefined) => pids.filter((p) => p === pid).length;
    expect(count(a.child.pid)).toBeGreaterThan(0);
    expect(count(b.child.pid)).toBeGreaterThan(0);
    expect(count(a.child.pid) + count(b.child.pid)).toBe(CLIENTS);

    expect(await whoAnswers(a.port)).toBe(a.child.pid);
    expect(await whoAnswers(b.port)).toBe(b.child.pid);
  });

  it('a second process on a taken exclusive port still fails, with or without a shared port', async () => {
    const shared = await freePort();
    const a = await startServer(0, shared);
    expect(a.line).toMatch(/^listening \d+$/);
    // The last: the shared port is not an exclusive one, so a server that does not share cannot take it.
    const refused = await Promise.all([startServer(a.port), startServer(a.port, shared), startServer(shared)]);
    for (const r of refused) expect(r.line).toMatch(/^cannot listen: UwsServer: cannot listen on 127\.0\.0\.1:\d+ /);
    expect(await whoAnswers(shared)).toBe(a.child.pid);
  });

  it('in one process: the getter, close() frees the shared port, and a shared port held exclusively fails without holding the own port', async () => {
    const shared = await freePort();
    const server = await UwsServer.listen({ sharedPort: shared });
    servers.push(server);
    expect(server.sharedPort).toBe(shared);
    const plain = await UwsServer.listen();
    servers.push(plain);
    expect(plain.sharedPort).toBeUndefined();
    await server.close();
    // Freed: an exclusive server can bind it now.
    const exclusive = await UwsServer.listen({ port: shared });
    servers.push(exclusive);

    const own = await freePort();
    await expect(UwsServer.listen({ port: own, sharedPort: shared })).rejects.toThrow(`cannot listen on shared port 127.0.0.1:${shared}`);
    const again = await UwsServer.listen({ port: own });
    servers.push(again);
    expect(again.port).toBe(own);
  });

  it('refuses a shared port of 0, out of range, or equal to port', async () => {
    await expect(UwsServer.listen({ sharedPort: 0 })).rejects.toThrow('sharedPort must be an integer from 1 to 65535, got 0');
    await expect(UwsServer.listen({ sharedPort: 70000 })).rejects.toThrow(RangeError);
    await expect(UwsServer.listen({ port: 4567, sharedPort: 4567 })).rejects.toThrow('sharedPort must differ from port, got 4567 for both');
  });
});
