/**
 * `pnpm bench:cluster`: joins, frames and publish/subscribe across a cluster of real node
 * processes on one Redis, all on 127.0.0.1. Starts a redis-server, `nodes` NetServer processes
 * (room type `players`, `maxClients` each) and `clients` bots in `procs` processes; each bot joins
 * the room name through a random node (following the redirect to the node that holds its seat).
 * Then, over a measured window, frames per client and checksums; then one node publishes
 * `publish` messages that every node's subscriber receives; at the end every client must hold
 * exactly the players of its room.
 *
 *   tsx --conditions=source src/cluster/main.ts [--nodes 3] [--clients 300] [--duration 20]
 *
 * The last line printed is one JSON object (nodes, clients, join_p50_ms, join_p99_ms,
 * redirect_share, registry_ops_per_join, publish_p99_ms, frames_per_client_s, desyncs, …).
 * `bench:load:nodes` (load-nodes.ts) is the capacity search on the load scenario.
 */
import type { ChildProcess } from 'node:child_process';
import { startRedis, type RedisServer } from '@netschema/test-fixtures/support/redis-server';
import { describeMachine, load1, machine } from '../machine.js';
import { intOption, parseBenchArgs } from '../room-bench.js';
import { fmt, round4 } from '../stats.js';
import type { JoinBotsConfig, JoinBotsReport } from './join-bots.js';
import type { NodeStats } from './node.js';
import { percentile } from './percentile.js';
import { first, NodeHandle, sibling, start } from './processes.js';
import { redisUsage, usageBetween, type RedisUsage } from './redis-info.js';

const HELP = `usage: cluster [options]

  --nodes N           node processes (default 3)
  --clients N         bot clients, all joining the room name 'players' (default 300)
  --max-clients N     seats per room (default 16)
  --procs N           bot processes (default 2)
  --join-rate N       joins per second, over all bot processes (default 150)
  --hz N              frames per second per client (default 20; rooms tick at 60 Hz)
  --duration S        measured seconds of frames (default 20)
  --warmup S          seconds after every bot joined, before measuring (default 2)
  --publish N         messages one node publishes to every node (default 200)
  --publish-interval MS  between two publishes (default 5)
  --heartbeat-ms MS   the cluster's heartbeat (default 1000; lease 3x)
  --seed N            seed of the entry choices (default 1)
  -h, --help          this text`;

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values: opts } = parseBenchArgs('cluster', HELP, {
  args: argv,
  options: {
    nodes: { type: 'string', default: '3' },
    clients: { type: 'string', default: '300' },
    'max-clients': { type: 'string', default: '16' },
    procs: { type: 'string', default: '2' },
    'join-rate': { type: 'string', default: '150' },
    hz: { type: 'string', default: '20' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '2' },
    publish: { type: 'string', default: '200' },
    'publish-interval': { type: 'string', default: '5' },
    'heartbeat-ms': { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const int = (name: string, v: string, min: number, max?: number) => intOption('cluster', HELP, name, v, min, max);
const nodeCount = int('nodes', opts.nodes, 1, 16);
const clients = int('clients', opts.clients, 1, 5000);
const maxClients = int('max-clients', opts['max-clients'], 1, 1000);
const procs = Math.min(int('procs', opts.procs, 1, 8), clients);
const joinRate = int('join-rate', opts['join-rate'], 1, 5000);
const hz = int('hz', opts.hz, 1, 60);
const duration = int('duration', opts.duration, 1, 600);
const warmup = int('warmup', opts.warmup, 0, 60);
const publishCount = int('publish', opts.publish, 0, 100_000);
const publishInterval = int('publish-interval', opts['publish-interval'], 0, 1000);
const heartbeatMs = int('heartbeat-ms', opts['heartbeat-ms'], 100, 60_000);
const seed = int('seed', opts.seed, 0);

const log = (m: string) => process.stderr.write(`cluster: ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const load0 = load1();

let redis: RedisServer | undefined;
const nodes: NodeHandle[] = [];
const bots: ChildProcess[] = [];
try {
  await run();
} finally {
  for (const b of bots) b.kill('SIGKILL');
  await Promise.all(nodes.map((n) => n.stop()));
  await redis?.stop();
}

async function run(): Promise<void> {
  redis = await startRedis();
  const r = redis;
  log(`redis-server on ${r.url}; starting ${nodeCount} nodes`);
  const prefix = `bench-${process.pid}`;
  nodes.push(
    ...(await Promise.all(
      Array.from({ length: nodeCount }, () =>
        NodeHandle.start({ redisUrl: r.url, prefix, heartbeatMs, leaseMs: 3 * heartbeatMs, maxConnections: clients, players: { maxClients, hz, tickRate: 60 } }),
      ),
    )),
  );
  const entries = nodes.map((n) => n.url);
  const stats = () => Promise.all(nodes.map((n) => n.request<NodeStats>({ cmd: 'stats' })));
  const ops = (s: NodeStats[]) => sum(s.map((x) => x.ops));

  // ── joins ──
  const joinStats0 = await stats();
  const joinRedis0 = await redisUsage(r.port);
  const joinT0 = performance.now();
  log(`${clients} bots in ${procs} processes join 'players' through a random node each, ${joinRate} joins/s`);
  const botFile = sibling(import.meta.url, 'join-bots');
  const joined = Array.from({ length: procs }, (_, p) => {
    const count = Math.floor(clients / procs) + (p < clients % procs ? 1 : 0);
    const config: JoinBotsConfig = { entries, room: 'players', count, prefix: `p${p}-`, joinIntervalMs: (1000 * procs) / joinRate, seed: seed * 1000 + p };
    const child = start(botFile, [JSON.stringify(config)], 10);
    bots.push(child);
    return first(child, `bot process ${p} to join`, 120_000, (m: { type: string; message?: string; ok?: number; failed?: number }) => {
      if (m.type === 'failed') throw new Error(`bot process ${p}: ${m.message}`);
      return m.type === 'joined' ? m : undefined;
    });
  });
  const joinResults = await Promise.all(joined);
  // Room records are written in batches right after each admit: let the last batch land.
  await sleep(200);
  const joinSeconds = (performance.now() - joinT0) / 1000;
  const joinStats1 = await stats();
  const joinRedis = usageBetween(joinRedis0, await redisUsage(r.port));
  const joins = sum(joinResults.map((j) => j.ok!));
  log(`${joins} joined (${sum(joinResults.map((j) => j.failed!))} failed) in ${fmt(joinSeconds)} s; warming up ${warmup} s`);
  await sleep(warmup * 1000);

  // ── frames ──
  await Promise.all(bots.map((b) => ask(b, 'reset')));
  const winStats0 = await stats();
  const winRedis0 = await redisUsage(r.port);
  const winT0 = performance.now();
  log(`measuring ${duration} s`);
  await sleep(duration * 1000);
  const reports = (await Promise.all(bots.map((b) => ask(b, 'report')))).map((m) => m.report!);
  const winSeconds = (performance.now() - winT0) / 1000;
  const winStats1 = await stats();
  const winRedis = usageBetween(winRedis0, await redisUsage(r.port));

  // ── publish ──
  log(`node 0 publishes ${publishCount} messages, ${publishInterval} ms apart`);
  const sent = new Map(await nodes[0]!.request<[number, number][]>({ cmd: 'publish', topic: 'bench', count: publishCount, intervalMs: publishInterval }));
  let received: [number, number][][] = [];
  for (const deadline = performance.now() + 5000; performance.now() < deadline; await sleep(50)) {
    received = await Promise.all(nodes.map((n) => n.request<[number, number][]>({ cmd: 'received' })));
    if (received.every((x) => x.length >= publishCount)) break;
  }
  const latencies = received.flatMap((x) => x.map(([seq, at]) => at - sent.get(seq)!));
  const publishLost = publishCount * nodeCount - latencies.length;

  // ── the end state: every client holds exactly the players of its room ──
  const members = new Map<string, string[]>();
  for (const m of await Promise.all(nodes.map((n) => n.request<Record<string, string[]>>({ cmd: 'members' })))) for (const [id, names] of Object.entries(m)) members.set(id, names);
  const seen = reports.flatMap((x) => x.seen);
  const wrongRooms = seen.filter((s) => (members.get(s.roomId) ?? []).join(',') !== s.names.join(',')).length;
  const roomSizes = [...members.values()].map((n) => n.length);
  const overCapacity = roomSizes.filter((n) => n > maxClients).length;

  // ── figures ──
  const joinMs = reports.flatMap((x) => x.joinMs);
  const heartbeatOpsPerS = (ops(winStats1) - ops(winStats0)) / winSeconds;
  const joinOps = ops(joinStats1) - ops(joinStats0);
  const registryOpsPerJoin = (joinOps - heartbeatOpsPerS * joinSeconds) / joins;
  const redisCalls = (u: RedisUsage) => sum(Object.entries(u.calls).filter(([k]) => k !== 'info').map(([, v]) => v));
  const checksumDesyncs = sum(reports.map((x) => x.desyncs));
  const errors = reports.flatMap((x) => x.errors);
  const mach = machine();
  const result = {
    bench: 'cluster',
    compiler: import.meta.url.endsWith('.ts') ? 'tsx' : 'tsc',
    ...mach,
    nodes: nodeCount,
    clients,
    joined: joins,
    join_failures: sum(reports.map((x) => x.failed)),
    max_clients: maxClients,
    rooms: members.size,
    rooms_over_capacity: overCapacity,
    clients_per_node: joinStats1.map((s) => s.clients),
    join_rate_per_s: joinRate,
    join_p50_ms: round4(percentile(joinMs, 50)),
    join_p99_ms: round4(percentile(joinMs, 99)),
    join_max_ms: round4(percentile(joinMs, 100)),
    join_p50_direct_ms: round4(percentile(reports.flatMap((x) => x.directMs), 50)),
    join_p50_redirected_ms: round4(percentile(reports.flatMap((x) => x.redirectedMs), 50)),
    join_p99_direct_ms: round4(percentile(reports.flatMap((x) => x.directMs), 99)),
    join_p99_redirected_ms: round4(percentile(reports.flatMap((x) => x.redirectedMs), 99)),
    join_p99_after_first_s_ms: round4(percentile(reports.flatMap((x) => x.warmMs), 99)),
    redirect_share: round4(sum(reports.map((x) => x.redirected)) / joins),
    registry_ops_per_join: round4(registryOpsPerJoin),
    registry_ops_per_join_with_heartbeats: round4(joinOps / joins),
    heartbeat_ops_per_node_s: round4(heartbeatOpsPerS / nodeCount),
    redis_calls_per_join: round4(redisCalls(joinRedis) / joins),
    redis_calls_in_joins: joinRedis.calls,
    redis_cpu_ms_per_join: round4((1000 * joinRedis.cpuSeconds) / joins),
    redis_cpu_percent_joins: round4((100 * joinRedis.cpuSeconds) / joinSeconds),
    redis_cpu_percent_steady: round4((100 * winRedis.cpuSeconds) / winSeconds),
    publish_messages: publishCount,
    publish_p50_ms: round4(percentile(latencies, 50)),
    publish_p99_ms: round4(percentile(latencies, 99)),
    publish_max_ms: round4(percentile(latencies, 100)),
    publish_lost: publishLost,
    seconds: round4(winSeconds),
    frames_per_client_s: round4(sum(reports.map((x) => x.frames)) / joins / winSeconds),
    checks: sum(reports.map((x) => x.checks)),
    checksum_desyncs: checksumDesyncs,
    wrong_rooms: wrongRooms,
    desyncs: checksumDesyncs + wrongRooms,
    disconnects: sum(reports.map((x) => x.disconnects)),
    node_cpu_percent: winStats1.map((s, i) => round4(((s.cpuUs - winStats0[i]!.cpuUs) / 1e4) / winSeconds)),
    loadavg_before: round4(load0),
    loadavg_after: round4(load1()),
  };
  console.log(`cluster: ${nodeCount} nodes on one redis-server, ${clients} bots (${procs} processes at nice 10) joining 'players' (${maxClients} seats per room) at ${joinRate}/s; ${fmt(winSeconds)} s of frames measured`);
  console.log(`machine: ${describeMachine(mach)}; nodes, bots and Redis share it; load average ${fmt(load0)} before, ${fmt(result.loadavg_after)} after`);
  console.log('');
  console.log(`  joins                        ${joins} of ${clients} in ${fmt(joinSeconds)} s; ${result.rooms} rooms (${roomSizes.join(' ')} clients), ${overCapacity} over capacity; per node ${result.clients_per_node.join(' / ')}`);
  console.log(`  join, connect() to ready()   p50 ${fmt(result.join_p50_ms)} / p99 ${fmt(result.join_p99_ms)} / max ${fmt(result.join_max_ms)} ms`);
  console.log(`    direct / redirected        p50 ${fmt(result.join_p50_direct_ms)} / ${fmt(result.join_p50_redirected_ms)} ms, p99 ${fmt(result.join_p99_direct_ms)} / ${fmt(result.join_p99_redirected_ms)} ms; p99 of joins started 1 s or more after a bot process's first: ${fmt(result.join_p99_after_first_s_ms)} ms`);
  console.log(`  redirected                   ${fmt(100 * result.redirect_share)} % (${nodeCount > 1 ? `a random entry is the room's node 1 time in ${nodeCount}` : 'one node: never'})`);
  console.log(`  registry calls per join      ${fmt(result.registry_ops_per_join)} (heartbeats excluded: ${fmt(result.heartbeat_ops_per_node_s)} per node per s; ${fmt(result.registry_ops_per_join_with_heartbeats)} with them)`);
  console.log(`  Redis per join               ${fmt(result.redis_calls_per_join)} commands (${Object.entries(joinRedis.calls).filter(([k]) => k !== 'info').map(([k, v]) => `${k} ${v}`).join(', ')}), ${fmt(result.redis_cpu_ms_per_join)} ms CPU; Redis CPU ${fmt(result.redis_cpu_percent_joins)} % of a core while joining, ${fmt(result.redis_cpu_percent_steady)} % while playing`);
  console.log(`  publish to every node        p50 ${fmt(result.publish_p50_ms)} / p99 ${fmt(result.publish_p99_ms)} / max ${fmt(result.publish_max_ms)} ms over ${latencies.length} deliveries; ${publishLost} lost`);
  console.log(`  frames per client per second ${fmt(result.frames_per_client_s)} (rooms send ${hz})`);
  console.log(`  node CPU, % of one core      ${result.node_cpu_percent.map(fmt).join(' / ')}`);
  console.log(`  checksums compared           ${result.checks}; desyncs ${checksumDesyncs}; clients whose replica is not exactly their room's players ${wrongRooms}   (goal: 0)`);
  if (errors.length) console.log(`  bot errors: ${errors.slice(0, 5).join('; ')}`);
  console.log(JSON.stringify(result));
  process.exitCode = result.desyncs === 0 && result.join_failures === 0 && publishLost === 0 ? 0 : 1;
  for (const b of bots) b.send({ type: 'exit' });
}

function ask(child: ChildProcess, type: string): Promise<{ type: string; report?: JoinBotsReport }> {
  const reply = first(child, `a bot process's ${type}`, 30_000, (m: { type: string; report?: JoinBotsReport }) => (m.type === type ? m : undefined));
  child.send({ type });
  return reply;
}
