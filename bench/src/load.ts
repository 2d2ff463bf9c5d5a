/**
 * `pnpm bench:load`: a real server under real load. One arena room on a NetServer (uWS, on
 * 127.0.0.1) with `entities` units, `moved` of them stepping per frame interval (1 / `hz`),
 * spread over the ticks by their real intervals; `clients` bots
 * in separate processes, each a real WebSocket connection with a box view of about 5% of the
 * world (~500 units), decoding every frame and checking its replica against the checksums the
 * server sends (each bot about once a second).
 *
 *   tsx --conditions=source src/load.ts [--clients 1000] [--entities 10000] [--hz 20] [--duration 60]
 *
 * The last line printed is one JSON object: clients, entities, hz, tick_p50_ms, tick_p99_ms,
 * bytes_per_client_s, desyncs, and more.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NetServer } from '@netschema/transport-uws';
import { describeMachine, load1, machine } from './machine.js';
import { intOption, parseBenchArgs } from './room-bench.js';
import { fmt, round4 } from './stats.js';
import type { BotsConfig, BotsReport } from './load/bots.js';
import { LoadRoom } from './load/load-room.js';
import { TailWatch } from './load/tail.js';
import * as schema from './schemas/load.netschema.js';

const HELP = `usage: load [options]

  --clients N       bot clients (default 1000)
  --entities N      units in the world (default 10000)
  --moved N         units moved per frame interval (default 1000: 20,000 per second at 20 Hz),
                    spread over the ticks by their real intervals, so late ticks move more
  --hz N            frames per second each client receives (default 20)
  --tick-rate N     room ticks (simulation steps) per second (default 60); each client's
                    frames land on every (tick-rate / hz)-th tick, clients spread over them
  --duration S      measured seconds (default 60)
  --warmup S        seconds after every bot joined, before measuring (default 5)
  --procs N         bot processes (default 2)
  --half N          half the side of each bot's square view (default 112: 5% of the world)
  --seed N          seed (default 1)
  -h, --help        this text`;

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values: opts } = parseBenchArgs('load', HELP, {
  args: argv,
  options: {
    clients: { type: 'string', default: '1000' },
    entities: { type: 'string', default: '10000' },
    moved: { type: 'string', default: '1000' },
    hz: { type: 'string', default: '20' },
    'tick-rate': { type: 'string', default: '60' },
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '5' },
    procs: { type: 'string', default: '2' },
    half: { type: 'string', default: '112' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const int = (name: string, v: string, min: number, max?: number) => intOption('load', HELP, name, v, min, max);
const clients = int('clients', opts.clients, 1, 20000);
const entities = int('entities', opts.entities, 1);
const moved = int('moved', opts.moved, 0);
const hz = int('hz', opts.hz, 1, 240);
const tickRate = int('tick-rate', opts['tick-rate'], hz, 1000);
const duration = int('duration', opts.duration, 1, 3600);
const warmup = int('warmup', opts.warmup, 0, 600);
const procs = Math.min(int('procs', opts.procs, 1, 64), clients);
const half = int('half', opts.half, 1);
const seed = int('seed', opts.seed, 0);
const WORLD = 1000;

// Every bot connects from this machine: lift the per-address caps meant for internet clients.
const server = await NetServer.listen({ schema, maxPayloadLength: 64 * 1024, messageRate: 1000, messageBurst: 1000, maxConnectionsPerAddress: clients + 1, joinRate: 1000, joinBurst: clients + 1 });
server.define('load', LoadRoom, { tickRate, patchRate: hz, maxClients: clients, grid: { cellSize: half } });
const room = server.create('load', { entities, movedPerSecond: moved * hz, hz, world: WORLD, half, seed }) as LoadRoom;
const url = `ws://127.0.0.1:${server.port}/ws`;

const botFile = fileURLToPath(new URL('./load/bots.' + (import.meta.url.endsWith('.ts') ? 'ts' : 'js'), import.meta.url));
const children: ChildProcess[] = [];
const replies = new Map<ChildProcess, (m: { type: string; report?: BotsReport; message?: string }) => void>();
function ask(child: ChildProcess, type: string): Promise<{ type: string; report?: BotsReport; message?: string }> {
  return new Promise((resolve) => {
    replies.set(child, resolve);
    child.send({ type });
  });
}

const started = Date.now();
process.stderr.write(`load: ${clients} bots in ${procs} processes joining ${url}\n`);
const joined = Promise.all(
  Array.from({ length: procs }, (_, p) => {
    const count = Math.floor(clients / procs) + (p < clients % procs ? 1 : 0);
    const config: BotsConfig = { url, roomId: room.id, count, world: WORLD, half, seed: seed * 1000 + p };
    const child = fork(botFile, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    // The bots are the load generator on the server's own machine: at a lower priority they
    // take the spare CPU without preempting the server's ticks (they still read every frame).
    if (child.pid !== undefined) setPriority(child.pid, 10);
    return new Promise<void>((resolve, reject) => {
      child.on('message', (m: { type: string; message?: string }) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'failed') reject(new Error(`bot process ${p}: ${m.message}`));
        else replies.get(child)?.(m);
      });
      child.on('exit', (code) => reject(new Error(`bot process ${p} exited with ${code}`)));
    });
  }),
);
const timeout = setTimeout(() => {
  console.error('load: the bots did not all join within 120 s');
  for (const c of children) c.kill();
  process.exit(1);
}, 120_000);
try {
  await joined;
} catch (e) {
  // A bot process that cannot join (or dies joining): say which and why, not an unhandled rejection.
  console.error(`load: ${e instanceof Error ? e.message : String(e)}`);
  for (const c of children) c.kill();
  process.exit(1);
}
clearTimeout(timeout);
// A bot process that dies during the run would leave its report unanswered: stop with its exit code.
let stopping = false;
children.forEach((child, p) =>
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`load: bot process ${p} exited during the run (code ${code}, signal ${signal}); its output is above`);
    for (const c of children) c.kill();
    process.exit(1);
  }),
);
process.stderr.write(`load: all joined in ${((Date.now() - started) / 1000).toFixed(1)} s; warming up ${warmup} s\n`);
await new Promise((r) => setTimeout(r, warmup * 1000));

// ── measure ──
await Promise.all(children.map((c) => ask(c, 'reset')));
const sum = (f: (c: (typeof room.clients)[number]) => number) => room.clients.reduce((s, c) => s + f(c), 0);
const bytes0 = sum((c) => c.stats.bytesOut);
const skipped0 = sum((c) => c.stats.framesSkipped);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
room.durations.length = 0;
room.sendDurations.length = 0;
room.frameCounts.length = 0;
room.tickEnds.length = 0;
room.checksumMs = 0;
const moves0 = room.moves;
const tail = new TailWatch();
tail.start();
room.recording = true;
process.stderr.write(`load: measuring ${duration} s\n`);
await new Promise((r) => setTimeout(r, duration * 1000));
room.recording = false;
tail.stop();
const seconds = (performance.now() - t0) / 1000;
const movesPerS = (room.moves - moves0) / seconds;
const tailReport = tail.report(room.durations, room.tickEnds, room.frameCounts, seconds);
const cpu = process.cpuUsage(cpu0);
const bytes = sum((c) => c.stats.bytesOut) - bytes0;
const skipped = sum((c) => c.stats.framesSkipped) - skipped0;
const connected = room.clients.filter((c) => c.connected).length;
const reports = (await Promise.all(children.map((c) => ask(c, 'report')))).map((m) => m.report!);
const exited = Promise.all(children.map((c) => (c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)))));
stopping = true;
for (const c of children) c.send({ type: 'exit' });
await server.close();
await exited;

// The floor in this same run, once the bots are gone: bare uWS sends of a frame-sized message
// to as many sockets (load/send-floor.ts), to set the CPU per delivered frame beside.
const framesSent = room.frameCounts.reduce((a, b) => a + b, 0);
const frameBytes = Math.max(1, Math.round(bytes / Math.max(1, framesSent)));
const floorFile = fileURLToPath(new URL('./load/send-floor.' + (import.meta.url.endsWith('.ts') ? 'ts' : 'js'), import.meta.url));
const floor = await new Promise<{ send_us_p50: number; round_p50_ms: number; round_p99_ms: number } | null>((resolve) => {
  const child = fork(floorFile, ['--clients', String(clients), '--bytes', String(frameBytes), '--rounds', '100'], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.on('exit', () => {
    const line = out.trim().split('\n').pop() ?? '';
    try {
      resolve(JSON.parse(line) as { send_us_p50: number; round_p50_ms: number; round_p99_ms: number });
    } catch {
      resolve(null);
    }
  });
});

const d = [...room.durations].sort((a, b) => a - b);
const sends = [...room.sendDurations].sort((a, b) => a - b);
const compute = room.durations.map((t, i) => t - room.sendDurations[i]!).sort((a, b) => a - b);
const at = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);
const pct = (p: number) => at(d, p);
const total = (k: keyof Omit<BotsReport, 'errors'>) => reports.reduce((s, r) => s + r[k], 0);
const desyncs = total('desyncs');
const mach = machine();
const result = {
  bench: 'load',
  compiler: import.meta.url.endsWith('.ts') ? 'tsx' : 'tsc',
  ...mach,
  clients,
  connected_at_end: connected,
  entities,
  moved_per_frame_interval: moved,
  moved_per_s: round4(movesPerS),
  hz,
  tick_rate: tickRate,
  seconds: round4(seconds),
  ticks: d.length,
  tick_p50_ms: round4(pct(50)),
  tick_p99_ms: round4(pct(99)),
  tick_max_ms: round4(d[d.length - 1] ?? NaN),
  sends_p50_ms: round4(at(sends, 50)),
  sends_p99_ms: round4(at(sends, 99)),
  frames_per_tick: round4(room.frameCounts.reduce((a, b) => a + b, 0) / Math.max(1, room.frameCounts.length)),
  send_us: round4((1000 * room.sendDurations.reduce((a, b) => a + b, 0)) / Math.max(1, room.frameCounts.reduce((a, b) => a + b, 0))),
  compute_p50_ms: round4(at(compute, 50)),
  compute_p99_ms: round4(at(compute, 99)),
  server_cpu_percent: round4((100 * (cpu.user + cpu.system)) / 1e6 / seconds),
  // The bench's own checksum pass runs on the server's thread (outside the measured ticks):
  // the server's CPU without it is what a game server would spend.
  checksum_cpu_percent: round4((100 * room.checksumMs) / 1000 / seconds),
  server_cpu_percent_without_checks: round4((100 * ((cpu.user + cpu.system) / 1000 - room.checksumMs)) / 1000 / seconds),
  cpu_us_per_frame: round4((cpu.user + cpu.system - 1000 * room.checksumMs) / Math.max(1, framesSent)),
  frame_bytes: frameBytes,
  send_floor_us: floor === null ? null : round4(floor.send_us_p50),
  send_floor_round_p99_ms: floor === null ? null : round4(floor.round_p99_ms),
  bytes_per_client_s: round4(bytes / clients / seconds),
  frames_skipped: skipped,
  bot_frames_per_s: round4(total('frames') / clients / seconds),
  checks: total('checks'),
  unchecked: total('unchecked'),
  desyncs,
  disconnects: total('disconnects'),
  gc_percent: round4(tailReport.gc_percent),
  gc_max_pause_ms: round4(tailReport.gc_max_pause_ms),
  slow_ticks: tailReport.slow_ticks,
  slow_ticks_with_gc: tailReport.slow_ticks_with_gc,
  slow_tick_gc_ms_mean: round4(tailReport.slow_tick_gc_ms_mean),
  slow_tick_frames_mean: round4(tailReport.slow_tick_frames_mean),
  tick_frames_mean: round4(tailReport.tick_frames_mean),
  loadavg: round4(load1()),
};
console.log(`load: ${clients} bots, ${entities} units (${moved} moved per ${hz} Hz frame interval: ${fmt(moved * hz)} per second asked, ${fmt(movesPerS)} made), frames at ${hz} Hz per client, room ticks at ${tickRate} Hz; ${fmt(seconds)} s measured after ${warmup} s warm-up`);
console.log(`machine: ${describeMachine(mach)}; server and bots share it (${procs} bot processes at nice 10)`);
console.log('');
console.log(`  server tick p50 / p99 / max   ${fmt(result.tick_p50_ms)} / ${fmt(result.tick_p99_ms)} / ${fmt(result.tick_max_ms)} ms   (goal: p99 <= 15 ms)`);
console.log(`    of which socket sends        ${fmt(result.sends_p50_ms)} / ${fmt(result.sends_p99_ms)} ms (p50 / p99; ${fmt(result.send_us)} µs per frame on average, ${fmt(result.frames_per_tick)} frames per tick)`);
console.log(`    the rest (sim, interest, encoding) ${fmt(result.compute_p50_ms)} / ${fmt(result.compute_p99_ms)} ms`);
console.log(
  `    the slowest 1% (${result.slow_ticks} ticks): ${fmt(result.slow_tick_frames_mean)} frames each against ${fmt(result.tick_frames_mean)} on average; ` +
    `${result.slow_ticks_with_gc} had a GC pause inside (${fmt(result.slow_tick_gc_ms_mean)} ms on average); GC overall ${fmt(result.gc_percent)}% of the time, longest pause ${fmt(result.gc_max_pause_ms)} ms`,
);
console.log(
  `  server CPU                    ${fmt(result.server_cpu_percent)}% of one core; ${fmt(result.server_cpu_percent_without_checks)}% without the bench's own checksums (${fmt(result.checksum_cpu_percent)}%) (goal: <= 50%)`,
);
console.log(
  `  CPU per frame delivered       ${fmt(result.cpu_us_per_frame)} µs (server CPU without the checksums / frames sent); the bare uWS send floor in this run: ` +
    (floor === null ? 'not measured (send-floor failed)' : `${fmt(floor.send_us_p50)} µs per send (${clients} sockets, ${frameBytes}-byte messages, no room)`),
);
console.log(`  bytes per client per second   ${fmt(result.bytes_per_client_s)}`);
console.log(`  frames per bot per second     ${fmt(result.bot_frames_per_s)}`);
console.log(`  frames skipped (backpressure) ${skipped}`);
console.log(`  checksums compared            ${result.checks} (${result.unchecked} arrived before their frame)`);
console.log(`  desyncs                       ${desyncs}   (goal: 0)`);
const errors = reports.flatMap((r) => r.errors);
if (errors.length) console.log(`  bot errors: ${errors.slice(0, 5).join('; ')}`);
console.log(JSON.stringify(result));
process.exitCode = desyncs === 0 && errors.length === 0 ? 0 : 1;
