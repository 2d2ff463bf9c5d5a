/**
 * `pnpm bench:send-floor`: what handing one frame to each of N sockets costs here, with no room
 * at all: uWS `cork` + `send` of a frame-sized message to N WebSocket clients in another process
 * that only read. The floor under any server tick that sends every client a frame.
 *
 *   node dist/bench/src/load/send-floor.js [--clients 1000] [--bytes 800] [--rounds 200]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UwsServer, type UwsSocket } from '@netschema/transport-uws';
import { describeMachine, machine } from '../machine.js';
import { fmt, round4 } from '../stats.js';

const { values: o } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { clients: { type: 'string', default: '1000' }, bytes: { type: 'string', default: '800' }, rounds: { type: 'string', default: '200' }, readers: { type: 'string' } },
});
if (o.readers !== undefined) {
  // The reading side: open N connections, count what arrives.
  const { default: WebSocket } = await import('ws');
  const [url, n] = [o.readers, Number(o.clients)];
  let open = 0;
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(url);
    ws.on('open', () => ++open === n && process.send!('ready'));
    ws.on('message', () => {});
  }
} else {
  const clients = Number(o.clients);
  const bytes = Number(o.bytes);
  const rounds = Number(o.rounds);
  const sockets: UwsSocket[] = [];
  const server = await UwsServer.listen({ idleTimeout: 0, maxBackpressure: 1 << 20, onOpen: (ws) => sockets.push(ws) });
  const self = fileURLToPath(import.meta.url);
  const child = fork(self, ['--clients', String(clients), '--readers', `ws://127.0.0.1:${server.port}/ws`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((r) => child.once('message', r));
  const msg = new Uint8Array(bytes);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const ws of sockets) server.cork(ws, () => server.send(ws, msg));
    times.push(performance.now() - t0);
    await new Promise((res) => setTimeout(res, 50));
  }
  child.kill();
  await server.close();
  times.sort((a, b) => a - b);
  const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  console.log(`send-floor: ${clients} sockets, ${bytes}-byte messages, ${rounds} rounds 50 ms apart; ${describeMachine(machine())}`);
  console.log(`  one round (a send to every socket): p50 ${fmt(p(0.5))} ms, p99 ${fmt(p(0.99))} ms; ${fmt((1000 * p(0.5)) / clients)} µs per send at p50`);
  console.log(JSON.stringify({ bench: 'send-floor', clients, bytes, rounds, round_p50_ms: round4(p(0.5)), round_p99_ms: round4(p(0.99)), send_us_p50: round4((1000 * p(0.5)) / clients) }));
  process.exit(0);
}
