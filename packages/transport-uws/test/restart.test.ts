// A restarted server is reachable (issue 11, "Restarts"): a rooms server in a child process on
// 127.0.0.1, with the project's clients connected, is killed (SIGKILL) or stopped (SIGTERM: a
// graceful close), and a new one is started on the same port at once. It must bind (before the
// fix, the connections of the old one held the port in TIME_WAIT for about 61 s), and the clients,
// with the default reconnection, must get back in: a fresh join, since the old sessions died with
// the old process, and a replica reset to the new server's state. Every wait is bounded; nothing
// asserts on timing. Children are killed after each test.
import { connect, type Connection, type FrameEvent, type ReconnectingEvent } from '@netschema/runtime';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { UwsServer } from '../src/index.js';
import { startListening, until, within, type Started } from './helpers.js';
import { netSchema } from '@netschema/test-fixtures/rooms/net-room';

const children: ChildProcess[] = [];
const conns: Connection[] = [];
const servers: UwsServer[] = [];

afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
});

/** Starts restart-server.ts on `port` (0: any) and waits for its first line. */
async function startServer(port: number): Promise<Started> {
  const started = await startListening('restart-server.ts', [String(port)]);
  children.push(started.child);
  return started;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await within(exited, `the server to exit on ${signal}`);
}

/** The project's client with its default options (reconnection included). */
function client(port: number, name: string): Connection {
  const conn = connect(`ws://127.0.0.1:${port}/ws`, netSchema.netschema, {
    room: 'test',
    options: { name },
    WebSocket: WebSocket as never,
  });
  conns.push(conn);
  return conn;
}

function names(conn: Connection): string[] {
  return [...conn.replica.entities.values()].map((e) => (e as netSchema.Player).name).sort();
}

/** What a client reports from now on: events in order, reconnection attempts, the frames after a new welcome. */
function record(conn: Connection): { log: string[]; attempts: ReconnectingEvent[]; frames: FrameEvent[] } {
  const log: string[] = [];
  const attempts: ReconnectingEvent[] = [];
  const frames: FrameEvent[] = [];
  let welcomed = false;
  conn.on('disconnected', (e) => log.push(`disconnected ${e.code} ${e.willReconnect}`));
  conn.on('reconnecting', (e) => attempts.push(e));
  conn.on('connected', (e) => {
    welcomed = true;
    log.push(`connected resumed=${e.resumed}`);
  });
  conn.on('frame', (f) => {
    if (welcomed) frames.push({ ...f, added: [...f.added], changed: [...f.changed], removed: [...f.removed] });
  });
  return { log, attempts, frames };
}

describe('a restarted server is reachable', () => {
  for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
    it(`after ${signal} with clients connected, a new server binds the same port at once and the default clients join it afresh and get its state`, async () => {
      // The first server takes any free port, as tests and `port: 0` deployments do; the ones
      // after it are given that port, as a deployment with a fixed port does.
      let server = await startServer(0);
      expect(server.line).toMatch(/^listening \d+$/);
      const port = server.port;
      const ann = client(port, 'ann');
      const bob = client(port, 'bob');
      await within(Promise.all([ann.ready(), bob.ready()]), 'both clients to join');
      await until(() => names(ann).length === 2 && names(bob).length === 2, 'each client to see both players');

      for (const restart of [1, 2]) {
        const oldIds = [...ann.replica.entities.keys()].sort();
        const oldToken = (ann as unknown as { token: string }).token;
        const seen = record(ann);
        const bobSeen = record(bob);

        await stop(server.child, signal);
        // Connections of the old server are still in TIME_WAIT on this port now.
        server = await startServer(port);
        expect(server.line, `restart ${restart}`).toBe(`listening ${port}`);

        // Default reconnection: back within a few retries, as a new player (the old sessions
        // died with the old process), with a replica that holds the new server's state only.
        // (The replicas still hold the old state until the new server's first frame.)
        await until(() => seen.frames.length > 0 && bobSeen.frames.length > 0, `both clients to be back (restart ${restart})`, 20_000);
        await until(() => names(ann).join() === 'ann,bob' && names(bob).join() === 'ann,bob', `both clients to see both new players (restart ${restart})`, 10_000);
        expect(seen.log[0]).toBe(signal === 'SIGTERM' ? 'disconnected 1001 true' : 'disconnected 1006 true');
        expect(seen.log.at(-1)).toBe('connected resumed=false');
        expect(seen.log.filter((l) => l.startsWith('connected'))).toHaveLength(1);
        expect(seen.attempts.length).toBeGreaterThan(0);
        expect(seen.attempts.map((a) => a.attempt)).toEqual(seen.attempts.map((_, i) => i + 1));
        // The first frame after the new welcome is a reset: everything the old server had is
        // removed, and the new server's players are added.
        expect([...seen.frames[0]!.removed].sort()).toEqual(oldIds);
        expect(seen.frames[0]!.added.length).toBeGreaterThan(0);
        expect((ann as unknown as { token: string }).token).not.toBe(oldToken);
      }
    });
  }
});

describe('one live server per port', () => {
  it('a second server on the port of a live one fails to start, whether the first chose the port or was given it', async () => {
    const byOs = await UwsServer.listen();
    servers.push(byOs);
    await expect(UwsServer.listen({ port: byOs.port })).rejects.toThrow(`cannot listen on 127.0.0.1:${byOs.port}`);
    // Given an explicit port, uSockets 20.30 would also set SO_REUSEPORT unless told not to,
    // and a second server would then start silently and take part of the connections.
    const port = byOs.port;
    await byOs.close();
    servers.splice(0);
    const given = await UwsServer.listen({ port });
    servers.push(given);
    await expect(UwsServer.listen({ port })).rejects.toThrow(`cannot listen on 127.0.0.1:${port}`);
    await expect(UwsServer.listen({ port, host: '0.0.0.0' })).rejects.toThrow(`cannot listen on 0.0.0.0:${port}`);
  });
});
