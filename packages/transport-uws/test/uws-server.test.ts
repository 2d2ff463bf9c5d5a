import { connect as connectTcp, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadUws } from '../src/native.js';
import { type SendResult, UwsServer, type UwsServerOptions, type UwsSocket } from '../src/uws-server.js';
import { envWith, runFixture, until, within } from './helpers.js';

interface Recorded {
  opened: UwsSocket[];
  messages: { ws: UwsSocket; bytes: Uint8Array; isBinary: boolean }[];
  closed: { ws: UwsSocket; code: number; reason: string }[];
  drains: number;
}

const servers: UwsServer[] = [];
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  for (const server of servers.splice(0)) await server.close();
});

async function start(options: UwsServerOptions = {}): Promise<{ server: UwsServer; seen: Recorded }> {
  const seen: Recorded = { opened: [], messages: [], closed: [], drains: 0 };
  const server = await UwsServer.listen({
    ...options,
    onOpen: (ws) => seen.opened.push(ws),
    onMessage: (ws, bytes, isBinary) => seen.messages.push({ ws, bytes, isBinary }),
    onClose: (ws, code, reason) => seen.closed.push({ ws, code, reason }),
    onDrain: () => seen.drains++,
  });
  servers.push(server);
  return { server, seen };
}

interface Client {
  ws: WebSocket;
  received: Uint8Array[];
  closed: Promise<{ code: number; reason: string }>;
}

async function connect(port: number, path = '/ws'): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  clients.push(ws);
  const received: Uint8Array[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(true);
    received.push(new Uint8Array(data));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })),
  );
  await within(
    new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    }),
    'the client to connect',
  );
  return { ws, received, closed };
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

describe('UwsServer', () => {
  it('runs on the native binary and listens on 127.0.0.1 with a random port', async () => {
    const { server, seen } = await start();
    expect(server.native).toBe(true);
    expect(server.port).toBeGreaterThan(0);
    await connect(server.port);
    await until(() => seen.opened.length === 1, 'onOpen');
    expect(server.connections).toBe(1);
  });

  it('delivers client bytes intact, as copies that outlive the handler', async () => {
    const { server, seen } = await start();
    const client = await connect(server.port);
    const first = pattern(300, 1);
    const second = pattern(300, 2);
    client.ws.send(first);
    client.ws.send(second);
    await until(() => seen.messages.length === 2, 'two messages');
    // Both handlers have long returned (uWS neutered its buffers then, see the next test):
    // the bytes are still there, each in a buffer of its own.
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [a, b] = seen.messages;
    expect(a!.bytes).toEqual(first);
    expect(b!.bytes).toEqual(second);
    expect(a!.isBinary).toBe(true);
    expect(a!.bytes.buffer).not.toBe(b!.bytes.buffer);
    expect(a!.bytes.buffer.byteLength).toBe(300);
    expect(a!.ws).toBe(seen.opened[0]);
  });

  it('needs that copy: uWS neuters the message ArrayBuffer when the handler returns', async () => {
    const { uws } = loadUws();
    let kept: ArrayBuffer | undefined;
    let lengthInside = -1;
    const app = uws.App().ws('/ws', {
      message: (_ws, message) => {
        kept = message;
        lengthInside = message.byteLength;
      },
    });
    let listen: ReturnType<typeof uws.us_socket_local_port> | undefined;
    let socket: Parameters<typeof uws.us_listen_socket_close>[0] | undefined;
    app.listen('127.0.0.1', 0, (s) => {
      if (s) {
        socket = s;
        listen = uws.us_socket_local_port(s);
      }
    });
    try {
      const client = await connect(listen!);
      client.ws.send(pattern(100, 3));
      await until(() => kept !== undefined, 'the raw message');
      expect(lengthInside).toBe(100);
      expect(kept!.byteLength).toBe(0);
      client.ws.terminate();
      await within(client.closed, 'the raw client to close');
    } finally {
      uws.us_listen_socket_close(socket!);
    }
  });

  it('sends bytes to the client, including views and corked batches from a timer', async () => {
    const { server, seen } = await start();
    const client = await connect(server.port);
    await until(() => seen.opened.length === 1, 'onOpen');
    const ws = seen.opened[0]!;

    expect(server.send(ws, pattern(50, 4))).toBe('sent');
    const backing = pattern(64, 5);
    expect(server.send(ws, backing.subarray(10, 20))).toBe('sent');
    const results: SendResult[] = [];
    setTimeout(() => server.cork(ws, () => results.push(server.send(ws, pattern(5, 6)), server.send(ws, pattern(7, 7)))), 0);

    await until(() => client.received.length === 4, 'four messages at the client');
    expect(results).toEqual(['sent', 'sent']);
    expect(client.received).toEqual([pattern(50, 4), backing.subarray(10, 20), pattern(5, 6), pattern(7, 7)]);
  });

  it('drops a client whose message exceeds maxPayloadLength, and only that client', async () => {
    const { server, seen } = await start({ maxPayloadLength: 1024 });
    const bad = await connect(server.port);
    const good = await connect(server.port);
    await until(() => seen.opened.length === 2, 'two connections');

    bad.ws.send(new Uint8Array(1025));
    // uWS closes the TCP connection without a close frame, so the client sees 1006.
    expect(await within(bad.closed, 'the oversized client to be closed')).toEqual({ code: 1006, reason: '' });
    await until(() => seen.closed.length === 1, 'onClose for the oversized client');
    expect(seen.closed[0]).toMatchObject({ ws: seen.opened[0], code: 1006, reason: 'Received too big message' });
    expect(seen.messages).toEqual([]);

    good.ws.send(pattern(1024, 8));
    await until(() => seen.messages.length === 1, 'the message at exactly maxPayloadLength');
    expect(seen.messages[0]!.bytes).toEqual(pattern(1024, 8));
    expect(server.connections).toBe(1);
  });

  it('reports backpressure and drops over maxBackpressure, and calls onDrain when the client reads again', async () => {
    const maxBackpressure = 256 * 1024;
    const { server, seen } = await start({ maxBackpressure });
    const client = await connect(server.port);
    await until(() => seen.opened.length === 1, 'onOpen');
    const ws = seen.opened[0]!;
    // Stop reading at the client: the kernel buffers fill, then uWS's own queue.
    (client.ws as unknown as { _socket: Socket })._socket.pause();

    const chunk = new Uint8Array(64 * 1024);
    const results: SendResult[] = [];
    for (let i = 0; i < 2000 && results.at(-1) !== 'dropped'; i++) results.push(server.send(ws, chunk));
    const firstQueued = results.indexOf('backpressure');
    expect(firstQueued).toBeGreaterThan(0);
    expect(results.slice(0, firstQueued).every((r) => r === 'sent')).toBe(true);
    expect(results.at(-1)).toBe('dropped');
    expect(server.bufferedAmount(ws)).toBeGreaterThan(maxBackpressure);

    (client.ws as unknown as { _socket: Socket })._socket.resume();
    await until(() => seen.drains > 0 && server.bufferedAmount(ws) === 0, 'the queue to drain');
    // Queued messages arrive; the dropped one never does.
    const delivered = results.filter((r) => r !== 'dropped').length;
    await until(() => client.received.length === delivered, `${delivered} messages at the client`, 10_000);
    expect(server.send(ws, chunk)).toBe('sent');
  });

  it('close() closes every client with 1001 and a reason, and stops listening', async () => {
    const { server, seen } = await start();
    const a = await connect(server.port);
    const b = await connect(server.port);
    await until(() => seen.opened.length === 2, 'two connections');
    const ws = seen.opened[0]!;

    await within(server.close(), 'close()');
    expect(seen.closed.map((c) => c.code)).toEqual([1001, 1001]);
    expect(server.connections).toBe(0);
    for (const client of [a, b]) {
      expect(await within(client.closed, 'the client to see the close')).toEqual({ code: 1001, reason: 'server shutting down' });
    }
    // A closed socket is not touched (uWS would throw): sends are reported as dropped.
    expect(server.send(ws, pattern(1, 9))).toBe('dropped');
    expect(server.bufferedAmount(ws)).toBe(0);
    await within(server.close(), 'a second close()');

    // Nothing listens any more. (The server closed those two TCP connections first, so they sit
    // in TIME_WAIT on its port; a new server can still bind it: see the next tests.)
    const refused = await within(
      new Promise<string>((resolve) => {
        const socket = connectTcp(server.port, '127.0.0.1', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      }),
      'a TCP connection attempt',
    );
    expect(refused).toBe('ECONNREFUSED');
  });

  it('close() frees the port: another listener can bind it', async () => {
    const { server } = await start();
    await within(server.close(), 'close()');
    const probe = createServer();
    await within(
      new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(server.port, '127.0.0.1', () => resolve());
      }),
      'binding the freed port',
    );
    await new Promise((resolve) => probe.close(resolve));
  });

  it('after close() with clients connected, a new server binds the same port at once (the old connections are in TIME_WAIT)', async () => {
    const { server, seen } = await start();
    const clientsOf = [await connect(server.port), await connect(server.port)];
    await until(() => seen.opened.length === 2, 'two connections');
    await within(server.close(), 'close()');
    for (const client of clientsOf) await within(client.closed, 'the client to see the close');
    // Without SO_REUSEADDR on the first listener this failed for about 61 s.
    const again = await UwsServer.listen({ port: server.port });
    servers.push(again);
    expect(again.port).toBe(server.port);
    const client = await connect(again.port);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('lets the process exit by itself after close()', async () => {
    const result = await runFixture('shutdown-child.ts', [], envWith());
    expect(result.stdout).toContain('client closed with 1001');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('answers 404 on other paths', async () => {
    const { server } = await start();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/other`);
    clients.push(ws);
    const error = await within(new Promise<Error>((resolve) => ws.once('error', resolve)), 'the upgrade to fail');
    expect(error.message).toContain('404');
  });

  it('refuses a port that is taken, and bad options, with errors instead of a crash', async () => {
    const { server } = await start();
    await expect(UwsServer.listen({ port: server.port })).rejects.toThrow(`cannot listen on 127.0.0.1:${server.port}`);
    // uWS itself would abort the process on these idle timeouts.
    await expect(UwsServer.listen({ idleTimeout: 5 })).rejects.toThrow(RangeError);
    await expect(UwsServer.listen({ idleTimeout: 961 })).rejects.toThrow(RangeError);
    await expect(UwsServer.listen({ maxPayloadLength: 0 })).rejects.toThrow(RangeError);
  });
});
