/**
 * `pnpm bench:send-floor`: what handing one frame to each of N sockets costs here, with no room
 * at all: uWS `cork` + `send` of a frame-sized message to N WebSocket clients in another process
 * that only read. The floor under any server tick that sends every client a frame.
 *
 * Beside it, in alternate rounds of the same run, uWS's own fan-out: one `publish` of the same
 * message to a topic every socket subscribes to. That is what frames many clients share (the
 * same bytes) could cost instead; a grid room's frames differ per client, so they cannot use it.
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
  // The server's uWS app, for `publish`: the transport has no use for topics itself.
  const app = (server as unknown as { app: { publish(topic: string, message: Uint8Array, isBinary: boolean): boolean } }).app;
  for (const ws of sockets) ws.subscribe('all');
  const times: number[] = [];
  // A publish returns before it writes: uWS writes to the subscribers when the event loop turn
  // ends, on this same thread. So each kind is also timed by this process's CPU from the start of
  // its round to the start of the next (the 50 ms between are idle), writes included.
  const cpu = [0, 0];
  const pubTimes: number[] = [];
  for (let r = 0; r < 2 * rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    if (r & 1) app.publish('all', msg, true);
    else for (const ws of sockets) server.cork(ws, () => server.send(ws, msg));
    (r & 1 ? pubTimes : times).push(performance.now() - t0);
    await new Promise((res) => setTimeout(res, 50));
    const c = process.cpuUsage(c0);
    cpu[r & 1] = cpu[r & 1]! + c.user + c.system;
  }
  child.kill();
  await server.close();
  times.sort((a, b) => a - b);
  pubTimes.sort((a, b) => a - b);
  const p = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
  console.log(`send-floor: ${clients} sockets, ${bytes}-byte messages, ${rounds} rounds of each kind, alternating, 50 ms apart; ${describeMachine(machine())}`);
  console.log(`  one round of sends (one to every socket): p50 ${fmt(p(times, 0.5))} ms, p99 ${fmt(p(times, 0.99))} ms; ${fmt((1000 * p(times, 0.5)) / clients)} µs per send at p50`);
  console.log(`  one publish to all of them:               p50 ${fmt(p(pubTimes, 0.5))} ms, p99 ${fmt(p(pubTimes, 0.99))} ms (the call alone: uWS writes after it returns)`);
  console.log(`  CPU of this process per socket, writes included: sends ${fmt(cpu[0]! / rounds / clients)} µs, publish ${fmt(cpu[1]! / rounds / clients)} µs`);
  console.log(
    JSON.stringify({
      bench: 'send-floor',
      clients,
      bytes,
      rounds,
      round_p50_ms: round4(p(times, 0.5)),
      round_p99_ms: round4(p(times, 0.99)),
      send_us_p50: round4((1000 * p(times, 0.5)) / clients),
      publish_call_p50_ms: round4(p(pubTimes, 0.5)),
      send_cpu_us: round4(cpu[0]! / rounds / clients),
      publish_cpu_us: round4(cpu[1]! / rounds / clients),
    }),
  );
  process.exit(0);
}
