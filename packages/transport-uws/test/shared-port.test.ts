// sharedPort: processes on one machine share one public port (SO_REUSEPORT) and Linux spreads
// new connections between them, while each keeps its own exclusive port. Real child processes,
// since SO_REUSEPORT groups are about sockets of separate processes; 127.0.0.1 only; every wait
// is bounded; children are killed after each test.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { UwsServer } from '../src/index.js';
import { envWith, within } from './helpers.js';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const fixture = fileURLToPath(new URL('./fixtures/shared-port-server.ts', import.meta.url));
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

interface Started {
  child: ChildProcess;
  /** `listening <port>` or `cannot listen: <why>`. */
  line: string;
  port: number;
}

/** Starts shared-port-server.ts on `port` (0: any), with `shared` as its shared port if given. */
async function startServer(port: number, shared?: number): Promise<Started> {
  const args = ['--conditions=source', '--import', tsx, fixture, String(port), ...(shared === undefined ? [] : [String(shared)])];
  const child = spawn(process.execPath, args, { env: envWith(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const line = await within(
    new Promise<string>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
      child.once('exit', (code, signal) => resolve(`exited (${code ?? signal}) before listening: ${err}`));
    }),
    'the server to start',
    20_000,
  );
  const match = /^listening (\d+)$/.exec(line);
  return { child, line, port: match ? Number(match[1]) : 0 };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
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
