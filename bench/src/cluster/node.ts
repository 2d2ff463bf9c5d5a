/**
 * One node of a benchmark cluster, in its own process: a NetServer on 127.0.0.1 with a Redis
 * cluster, driven by the parent over IPC (see `NodeHandle`). Configured by one JSON argument.
 * Room types: `players` (bench:cluster) and `load` (bench:load:nodes).
 */
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import { NetServer } from '@netschema/transport-uws';
import { redisCluster } from '@netschema/cluster-redis';
import type { LoadRoomOptions } from '../load/load-room.js';
import { Checksum } from '../schemas/load.js';
import * as schema from '../schemas/load.netschema.js';
import { ClusterLoadRoom, clusterLoadRoomType, turns, type TickSample } from './load-rooms.js';
import { wallMs } from './percentile.js';
import { PlayersRoom, playersRoomType } from './players-room.js';

export interface NodeConfig {
  redisUrl: string;
  prefix: string;
  heartbeatMs: number;
  leaseMs: number;
  /** Clients this node expects at most (the per-address caps are lifted to it: every bot is 127.0.0.1). */
  maxConnections: number;
  players?: { maxClients: number; hz: number; tickRate: number };
  load?: { maxClients: number; hz: number; tickRate: number; world: LoadRoomOptions };
}

/** What the parent asks; every request gets `{ reply: id, value }` or `{ reply: id, error }`. */
export type NodeRequest =
  | { id: number; cmd: 'stats' }
  | { id: number; cmd: 'publish'; topic: string; count: number; intervalMs: number }
  | { id: number; cmd: 'received' }
  | { id: number; cmd: 'members' }
  | { id: number; cmd: 'record' }
  | { id: number; cmd: 'ticks' }
  | { id: number; cmd: 'close' };

/** A request without its id (the handle numbers them). */
export type NodeCommand = NodeRequest extends infer R ? (R extends NodeRequest ? Omit<R, 'id'> : never) : never;

export interface NodeStats {
  ops: number;
  placements: number;
  claims: number;
  clients: number;
  rooms: number;
  /** process.cpuUsage(), µs. */
  cpuUs: number;
}

/** A node's measured window in load mode. */
export interface NodeTicks {
  rooms: number;
  clients: number;
  /** Every room tick's duration, ms. */
  ticks: number[];
  /** Event-loop turns of back-to-back room ticks, ms (see `turns`). */
  turns: number[];
  /** Ticks that should have run in the window, summed over rooms. */
  expected: number;
  seconds: number;
  cpuPercent: number;
  loopDelayP99Ms: number;
  framesSkipped: number;
}

const config = JSON.parse(process.argv[2]!) as NodeConfig;
const cluster = redisCluster({ url: config.redisUrl, prefix: config.prefix, heartbeatMs: config.heartbeatMs, leaseMs: config.leaseMs, log: (m) => process.stderr.write(`node: ${m}\n`) });
const server = await NetServer.listen({
  schema,
  cluster,
  maxPayloadLength: 64 * 1024,
  messageRate: 1000,
  messageBurst: 1000,
  maxConnectionsPerAddress: config.maxConnections + 1,
  joinRate: 10_000,
  joinBurst: config.maxConnections + 1,
  onError: (e, where) => process.stderr.write(`node ${cluster.nodeId}: ${where}: ${String(e)}\n`),
});
if (config.players) {
  const p = config.players;
  server.define('players', playersRoomType(p.hz), { maxClients: p.maxClients, patchRate: p.hz, tickRate: p.tickRate });
}
if (config.load) {
  const l = config.load;
  server.define('load', clusterLoadRoomType(l.world), { maxClients: l.maxClients, patchRate: l.hz, tickRate: l.tickRate, grid: { cellSize: l.world.half } });
}

// Publish latency: when each message of the topic arrived here, on the machine's shared clock.
const received: [seq: number, atMs: number][] = [];
await server.subscribe('bench', (msg) => received.push([(msg as Checksum).tick, wallMs()]));

const rooms = () => [...server.rooms()].map((r) => server.room(r.id)!);
let window = { t0: 0, cpu: process.cpuUsage() };
const loopDelay = monitorEventLoopDelay({ resolution: 1 });

async function handle(m: NodeRequest): Promise<unknown> {
  switch (m.cmd) {
    case 'stats': {
      const cpu = process.cpuUsage();
      const s: NodeStats = { ops: cluster.stats.ops, placements: cluster.stats.placements, claims: cluster.stats.claims, clients: rooms().reduce((n, r) => n + r.clients.length, 0), rooms: rooms().length, cpuUs: cpu.user + cpu.system };
      return s;
    }
    case 'publish': {
      // Sent times on the shared clock, taken just before each publish leaves this process.
      const sent: [number, number][] = [];
      const msg = new Checksum();
      for (let seq = 1; seq <= m.count; seq++) {
        msg.tick = seq;
        sent.push([seq, wallMs()]);
        await server.publish(m.topic, msg);
        await new Promise((r) => setTimeout(r, m.intervalMs));
      }
      return sent;
    }
    case 'received':
      return received;
    case 'members': {
      const out: Record<string, string[]> = {};
      for (const r of rooms()) if (r instanceof PlayersRoom) out[r.id] = r.names();
      return out;
    }
    case 'record':
      for (const r of rooms()) if (r instanceof ClusterLoadRoom) r.record();
      window = { t0: perf.now(), cpu: process.cpuUsage() };
      loopDelay.reset();
      loopDelay.enable();
      return null;
    case 'ticks': {
      loopDelay.disable();
      const seconds = (perf.now() - window.t0) / 1000;
      const cpu = process.cpuUsage(window.cpu);
      const load = rooms().flatMap((r) => (r instanceof ClusterLoadRoom ? [r] : []));
      const samples: TickSample[] = load.flatMap((r) => r.samples());
      const t: NodeTicks = {
        rooms: load.length,
        clients: load.reduce((n, r) => n + r.clients.length, 0),
        ticks: samples.map((s) => s.ms),
        turns: turns(samples),
        expected: load.length * seconds * (config.load?.tickRate ?? 60),
        seconds,
        cpuPercent: (100 * (cpu.user + cpu.system)) / 1e6 / seconds,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        framesSkipped: load.reduce((n, r) => n + r.clients.reduce((k, c) => k + c.stats.framesSkipped, 0), 0),
      };
      return t;
    }
    case 'close':
      await server.close();
      setTimeout(() => process.exit(0), 20);
      return null;
  }
}

process.on('message', (m: NodeRequest) => {
  handle(m).then(
    (value) => process.send!({ reply: m.id, value }),
    (e: unknown) => process.send!({ reply: m.id, error: e instanceof Error ? e.message : String(e) }),
  );
});
// The parent went away (killed, or crashed): do not outlive it.
process.on('disconnect', () => process.exit(0));
process.send!({ event: 'ready', url: server.url, nodeId: server.nodeId });
