// test/fixtures/support/redis-server.ts (@netschema/test-fixtures/support/redis-server) against
// the real binary: the cluster tests and benches rely on it starting, answering, dying on request
// and coming back on the same port with no data (their
// "Redis restarted" fault). Every wait is bounded by the helper or by `ask`.
import { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pings, startRedis, type RedisServer } from '@netschema/test-fixtures/support/redis-server';

const started: RedisServer[] = [];

afterEach(async () => {
  for (const r of started.splice(0)) await r.kill();
});

/** Sends one inline command and resolves with the first reply chunk (e.g. `+PONG\r\n`). */
function ask(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = new Socket();
    sock.setTimeout(2000, () => {
      sock.destroy();
      reject(new Error(`no reply to ${command} on port ${port} within 2 s`));
    });
    sock.once('error', reject);
    sock.connect(port, '127.0.0.1', () => sock.write(`${command}\r\n`));
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString());
    });
  });
}

async function start(): Promise<RedisServer> {
  const r = await startRedis();
  started.push(r);
  return r;
}

describe('startRedis', () => {
  it('starts a redis-server on 127.0.0.1 that answers PING', async () => {
    const r = await start();
    expect(r.url).toBe(`redis://127.0.0.1:${r.port}`);
    expect(await ask(r.port, 'PING')).toBe('+PONG\r\n');
  });

  it('restarts on the same port with no data', async () => {
    const r = await start();
    expect(await ask(r.port, 'SET k v')).toBe('+OK\r\n');
    await r.restart();
    expect(await ask(r.port, 'PING')).toBe('+PONG\r\n');
    expect(await ask(r.port, 'GET k')).toBe('$-1\r\n'); // nil: nothing was saved
  });

  it('kill() and stop() leave nothing answering; restart() brings it back after either', async () => {
    const r = await start();
    await r.kill();
    expect(await pings(r.port)).toBe(false);
    await r.restart();
    expect(await pings(r.port)).toBe(true);
    await r.stop();
    expect(await pings(r.port)).toBe(false);
  });

  it('two servers get different ports', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    expect(a.port).not.toBe(b.port);
  });

  it('says how to install redis-server when it is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startRedis()).rejects.toThrow('install it: apt-get install -y redis-server');
    } finally {
      process.env.PATH = path;
    }
  });
});
