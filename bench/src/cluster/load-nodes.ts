/**
 * `pnpm --filter @netschema/bench bench:load:nodes`: how many of bench:load's clients one node
 * holds, and how many two nodes on one Redis hold, on this machine. The load scenario's room
 * (bench/src/load/load-room.ts) in rooms of `room` clients, placed by the cluster on 1 or 2 node
 * processes; bots (bench/src/load/bots.ts, unchanged) join the room name through the nodes in
 * turn and follow redirects. For each configuration the client count steps up from `start` by
 * `step` until a step fails the goal (or `max`): the worst node's tick p99 at most `goal` ms, the
 * node keeping its tick schedule, every bot joined, no desync, no disconnect. Each search runs
 * `repeats` times, configurations interleaved; the median of the capacities found is reported.
 *
 *   tsx --conditions=source src/cluster/load-nodes.ts [--nodes 1,2] [--room 250] [--repeats 3]
 *
 * Per room, the world is bench:load's scaled to the room: `room` × 10 units on a square of
 * 1000 × √(room / 1000) (the same density), `room` units moved per frame interval, each bot
 * viewing a 224 × 224 box (about 500 units, as in bench:load). So 4 rooms of 250 are bench:load's
 * one room of 1,000 in units, moves and view sizes. The last line printed is one JSON object.
 */
import type { ChildProcess } from 'node:child_process';
import { startRedis, type RedisServer } from '@netschema/test-fixtures/support/redis-server';
import type { BotsConfig, BotsReport } from '../load/bots.js';
import { describeMachine, load1, machine } from '../machine.js';
import { intOption, parseBenchArgs } from '../room-bench.js';
import { fmt, round4 } from '../stats.js';
import type { NodeStats, NodeTicks } from './node.js';
import { median, percentile } from './percentile.js';
import { first, NodeHandle, sibling, start } from './processes.js';
import { machineCpu, processCpuSeconds } from './proc-cpu.js';
import { redisUsage, usageBetween } from './redis-info.js';

const HELP = `usage: load-nodes [options]

  --nodes LIST      node counts to compare, comma-separated (default 1,2)
  --room N          clients per room (maxClients; default 250)
  --start N         first client count (default 250)
  --step N          client count step (default 250)
  --max N           highest client count tried (default 2500)
  --repeats N       searches per configuration (default 3)
  --duration S      measured seconds per step (default 10)
  --warmup S        seconds after every bot joined, before measuring (default 3)
  --procs N         bot processes (default 2), at nice 10
  --hz N            frames per second per client (default 20)
  --tick-rate N     room ticks per second (default 60)
  --goal MS         the tick p99 a configuration must stay within (default 15)
  --budget MIN      stop starting new steps after this many minutes (default 45)
  --node-nice N     nice value of the node processes (default 0; negative needs root): on a
                    machine shared with other work, -5 keeps that work from preempting the nodes
  -h, --help        this text`;

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values: opts } = parseBenchArgs('load-nodes', HELP, {
  args: argv,
  options: {
    nodes: { type: 'string', default: '1,2' },
    room: { type: 'string', default: '250' },
    start: { type: 'string', default: '250' },
    step: { type: 'string', default: '250' },
    max: { type: 'string', default: '2500' },
    repeats: { type: 'string', default: '3' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    procs: { type: 'string', default: '2' },
    hz: { type: 'string', default: '20' },
    'tick-rate': { type: 'string', default: '60' },
    goal: { type: 'string', default: '15' },
    budget: { type: 'string', default: '45' },
    'node-nice': { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const int = (name: string, v: string, min: number, max?: number) => intOption('load-nodes', HELP, name, v, min, max);
const configs = opts.nodes.split(',').map((s) => int('nodes', s.trim(), 1, 8));
const roomSize = int('room', opts.room, 1, 5000);
const startAt = int('start', opts.start, 1, 20_000);
const step = int('step', opts.step, 1, 20_000);
const maxClients = int('max', opts.max, startAt, 20_000);
const repeats = int('repeats', opts.repeats, 1, 10);
const duration = int('duration', opts.duration, 1, 600);
const warmup = int('warmup', opts.warmup, 0, 60);
const procs = int('procs', opts.procs, 1, 8);
const hz = int('hz', opts.hz, 1, 240);
const tickRate = int('tick-rate', opts['tick-rate'], hz, 1000);
const goal = int('goal', opts.goal, 1, 1000);
const budgetMs = int('budget', opts.budget, 1, 600) * 60_000;
const nodeNice = int('node-nice', opts['node-nice'], -20, 19);
/** Share of the scheduled ticks a node must run to count as keeping up. */
const KEEP_UP = 0.95;

const side = Math.round(1000 * Math.sqrt(roomSize / 1000));
const world = { entities: roomSize * 10, movedPerSecond: roomSize * hz, hz, world: side, half: 112, seed: 1 };

const log = (m: string) => process.stderr.write(`load-nodes: ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

interface StepResult {
  nodes: number;
  clients: number;
  joined: boolean;
  /** Worst node's p99 of event-loop turns of room ticks, and of single room ticks, ms. */
  turn_p99_ms: number;
  tick_p99_ms: number;
  tick_p50_ms: number;
  /** Lowest share of scheduled ticks a node ran. */
  kept_up: number;
  loop_delay_p99_ms: number;
  node_cpu_percent: number[];
  clients_per_node: number[];
  rooms: number;
  frames_per_client_s: number;
  desyncs: number;
  disconnects: number;
  redis_cpu_percent: number;
  /** The bot processes' CPU, % of one core, and the whole machine's busy share (all cores, anyone's work). */
  bots_cpu_percent: number;
  machine_busy_percent: number;
  registry_ops_per_join: number;
  join_seconds: number;
  pass: boolean;
}

let redis: RedisServer | undefined;
let live: { nodes: NodeHandle[]; bots: ChildProcess[] } = { nodes: [], bots: [] };
const t0 = performance.now();
const load0 = load1();
const results: StepResult[] = [];
const mach0 = machine();
const capacities = new Map<number, number[]>(configs.map((n) => [n, []]));
let run = 0;
try {
  redis = await startRedis();
  log(`redis-server on ${redis.url}; rooms of ${roomSize} clients, each ${world.entities} units on ${side} × ${side}, ${world.movedPerSecond} moved per second, ticks at ${tickRate} Hz`);
  search: for (let r = 1; r <= repeats; r++) {
    for (const n of configs) {
      let held = 0;
      for (let clients = startAt; clients <= maxClients; clients += step) {
        if (performance.now() - t0 > budgetMs) {
          log('time budget spent: no new steps');
          break search;
        }
        const res = await runStep(redis, n, clients);
        results.push(res);
        console.log(`  repeat ${r}, ${n} node${n > 1 ? 's' : ''}, ${clients} clients: ${res.pass ? 'holds' : 'FAILS'}; turn p99 ${fmt(res.turn_p99_ms)} ms, room tick p50 / p99 ${fmt(res.tick_p50_ms)} / ${fmt(res.tick_p99_ms)} ms, ticks run ${fmt(100 * res.kept_up)} %, loop delay p99 ${fmt(res.loop_delay_p99_ms)} ms, node CPU ${res.node_cpu_percent.map(fmt).join(' / ')} %, per node ${res.clients_per_node.join(' / ')}, ${fmt(res.frames_per_client_s)} frames/client/s, ${res.desyncs} desyncs, ${res.disconnects} disconnects, Redis ${fmt(res.redis_cpu_percent)} % CPU, bots ${fmt(res.bots_cpu_percent)} %, machine busy ${fmt(res.machine_busy_percent)} % of ${mach0.nproc} cores`);
        console.log(JSON.stringify({ bench: 'load-nodes-step', repeat: r, ...res }));
        if (!res.pass) break;
        held = clients;
      }
      capacities.get(n)!.push(held);
    }
  }
} finally {
  await stopLive();
  await redis?.stop();
}

const mach = machine();
const summary = configs.map((n) => ({ nodes: n, capacities: capacities.get(n)!, median_clients: median(capacities.get(n)!) }));
console.log('');
console.log(`load-nodes: rooms of ${roomSize} (${world.entities} units each, ${world.movedPerSecond} moved per second, ${hz} Hz frames, ${tickRate} Hz ticks); goal: worst node's tick-turn p99 <= ${goal} ms, >= ${KEEP_UP * 100} % of ticks run, 0 desyncs`);
console.log(`machine: ${describeMachine(mach)}; nodes (nice ${nodeNice}), ${procs} bot processes (nice 10) and Redis share it; load average ${fmt(load0)} before, ${fmt(load1())} after; ${fmt((performance.now() - t0) / 60_000)} min`);
for (const s of summary) console.log(`  ${s.nodes} node${s.nodes > 1 ? 's' : ''}: holds ${s.capacities.join(', ')} clients (median ${s.median_clients})`);
console.log(JSON.stringify({ bench: 'load-nodes', compiler: import.meta.url.endsWith('.ts') ? 'tsx' : 'tsc', ...mach, room: roomSize, world, hz, tick_rate: tickRate, goal_ms: goal, step, duration, node_nice: nodeNice, configs: summary, loadavg_before: round4(load0), loadavg_after: round4(load1()) }));

async function runStep(r: RedisServer, n: number, clients: number): Promise<StepResult> {
  const prefix = `load-${process.pid}-${++run}`;
  const nodes = await Promise.all(
    Array.from({ length: n }, () =>
      NodeHandle.start({ redisUrl: r.url, prefix, heartbeatMs: 1000, leaseMs: 3000, maxConnections: clients, load: { maxClients: roomSize, hz, tickRate, world } }, nodeNice),
    ),
  );
  live = { nodes, bots: [] };
  const fail = (why: string): StepResult => {
    log(`${n} nodes, ${clients} clients: ${why}`);
    return { nodes: n, clients, joined: false, turn_p99_ms: NaN, tick_p99_ms: NaN, tick_p50_ms: NaN, kept_up: 0, loop_delay_p99_ms: NaN, node_cpu_percent: [], clients_per_node: [], rooms: 0, frames_per_client_s: 0, desyncs: 0, disconnects: 0, redis_cpu_percent: NaN, bots_cpu_percent: NaN, machine_busy_percent: NaN, registry_ops_per_join: NaN, join_seconds: NaN, pass: false };
  };
  try {
    const ops = async () => sum((await Promise.all(nodes.map((x) => x.request<NodeStats>({ cmd: 'stats' })))).map((s) => s.ops));
    const ops0 = await ops();
    const joinT0 = performance.now();
    const botFile = sibling(import.meta.url, '../load/bots');
    const p = Math.min(procs, clients);
    const joined = Array.from({ length: p }, (_, i) => {
      const count = Math.floor(clients / p) + (i < clients % p ? 1 : 0);
      const config: BotsConfig = { url: nodes[i % n]!.url, roomId: 'load', count, world: side, half: world.half, seed: 1000 * run + i };
      const child = start(botFile, [JSON.stringify(config)], 10);
      live.bots.push(child);
      return first(child, `bot process ${i} to join`, 120_000, (m: { type: string; message?: string }) => {
        if (m.type === 'failed') throw new Error(`bot process ${i}: ${m.message}`);
        return m.type === 'ready' ? true : undefined;
      });
    });
    try {
      await Promise.all(joined);
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
    const joinSeconds = (performance.now() - joinT0) / 1000;
    await sleep(200);
    const joinOps = (await ops()) - ops0;
    await sleep(warmup * 1000);

    await Promise.all(live.bots.map((b) => ask(b, 'reset')));
    const botsT0 = performance.now();
    const botsCpu0 = sum(live.bots.map((b) => processCpuSeconds(b.pid)));
    const machine0 = machineCpu();
    const redis0 = await redisUsage(r.port);
    await Promise.all(nodes.map((x) => x.request({ cmd: 'record' })));
    const w0 = performance.now();
    await sleep(duration * 1000);
    const ticks = await Promise.all(nodes.map((x) => x.request<NodeTicks>({ cmd: 'ticks' })));
    const seconds = (performance.now() - w0) / 1000;
    const botsCpu = sum(live.bots.map((b) => processCpuSeconds(b.pid))) - botsCpu0;
    const botsCpuSeconds = (performance.now() - botsT0) / 1000;
    const machine1 = machineCpu();
    const redisCpu = usageBetween(redis0, await redisUsage(r.port)).cpuSeconds;
    const reports = (await Promise.all(live.bots.map((b) => ask(b, 'report')))).map((m) => m.report!);
    // The bots' own window: from their reset to their report (a little longer than the nodes').
    const botSeconds = (performance.now() - botsT0) / 1000;

    // Nodes without a room (all clients fit in fewer rooms than nodes) have no ticks to judge.
    const busy = ticks.filter((t) => t.rooms > 0);
    const worst = (f: (t: NodeTicks) => number) => Math.max(...busy.map(f));
    const turnP99 = worst((t) => percentile(t.turns, 99));
    const keptUp = Math.min(...busy.map((t) => t.ticks.length / t.expected));
    const desyncs = sum(reports.map((x) => x.desyncs));
    const disconnects = sum(reports.map((x) => x.disconnects));
    const res: StepResult = {
      nodes: n,
      clients,
      joined: true,
      turn_p99_ms: round4(turnP99),
      tick_p99_ms: round4(worst((t) => percentile(t.ticks, 99))),
      tick_p50_ms: round4(worst((t) => percentile(t.ticks, 50))),
      kept_up: round4(keptUp),
      loop_delay_p99_ms: round4(worst((t) => t.loopDelayP99Ms)),
      node_cpu_percent: ticks.map((t) => round4(t.cpuPercent)),
      clients_per_node: ticks.map((t) => t.clients),
      rooms: sum(ticks.map((t) => t.rooms)),
      frames_per_client_s: round4(sum(reports.map((x) => x.frames)) / clients / botSeconds),
      desyncs,
      disconnects,
      redis_cpu_percent: round4((100 * redisCpu) / seconds),
      bots_cpu_percent: round4((100 * botsCpu) / botsCpuSeconds),
      machine_busy_percent: round4((100 * (machine1.busy - machine0.busy)) / (machine1.total - machine0.total)),
      // Heartbeats included: about 1.1 per node per second (see bench:cluster).
      registry_ops_per_join: round4(joinOps / clients),
      join_seconds: round4(joinSeconds),
      pass: turnP99 <= goal && keptUp >= KEEP_UP && desyncs === 0 && disconnects === 0 && sum(ticks.map((t) => t.clients)) === clients,
    };
    return res;
  } finally {
    await stopLive();
  }
}

async function stopLive(): Promise<void> {
  for (const b of live.bots) b.kill('SIGKILL');
  await Promise.all(live.nodes.map((x) => x.stop()));
  live = { nodes: [], bots: [] };
}

function ask(child: ChildProcess, type: string): Promise<{ type: string; report?: BotsReport }> {
  const reply = first(child, `a bot process's ${type}`, 30_000, (m: { type: string; report?: BotsReport }) => (m.type === type ? m : undefined));
  child.send({ type });
  return reply;
}
