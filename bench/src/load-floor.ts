/**
 * `pnpm --filter @netschema/bench bench:load-floor`: bench:load's room without sockets, netschema's
 * RoomCore beside the floor for that scenario (load/load-floor.ts), in one process, same world,
 * same moves, ticked alternately. It says how much of bench:load's CPU per frame a server of
 * this shape cannot avoid besides the sends (bench:load measures those against the bare uWS
 * send floor in the same run).
 *
 *   node dist/bench/src/load-floor.js [--clients 1000] [--ticks 600] [--runs 3]
 *
 * The last line printed is one JSON object: both systems' medians per tick and per frame, their
 * ratio, frames and bytes, and whether every floor replica holds exactly its view.
 */
import { ReplicaWorld, RoomCore } from '@netschema/runtime';
import { prng } from './fixtures.js';
import { LoadFloor } from './load/load-floor.js';
import { describeMachine, machine } from './machine.js';
import { intOption, parseBenchArgs } from './room-bench.js';
import { SendBuffers, applySent } from './send-buffers.js';
import { fmt, round4 } from './stats.js';
import { Unit } from './schemas/load.js';
import { netschema } from './schemas/load.netschema.js';

const HELP = `usage: load-floor [options]

  --clients N   clients (default 1000), each a fixed 224×224 box view
  --ticks N     measured ticks per run (default 600)
  --runs N      runs, each on a fresh world (default 3)
  -h, --help    this text`;

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values: opts } = parseBenchArgs('load-floor', HELP, {
  args: argv,
  options: {
    clients: { type: 'string', default: '1000' },
    ticks: { type: 'string', default: '600' },
    runs: { type: 'string', default: '3' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const int = (name: string, v: string | undefined, min: number) => intOption('load-floor', HELP, name, v ?? '', min);
const clients = int('clients', opts.clients, 1);
const ticks = int('ticks', opts.ticks, 1);
const runs = int('runs', opts.runs, 1);

// bench:load's scenario: 10,000 units in 1000 × 1000, views of half side 112 (grid cell 112),
// 60 Hz ticks, 20 Hz frames, 1,000 units moved per frame interval (333 per tick).
const N = 10_000;
const WORLD = 1000;
const HALF = 112;
const TICK_RATE = 60;
const HZ = 20;
const MOVED = Math.round((1000 * HZ) / TICK_RATE);
const WARMUP = 120;

interface RunResult {
  roomMs: number;
  floorMs: number;
  roomFrames: number;
  floorFrames: number;
  roomBytes: number;
  floorBytes: number;
  verified: boolean;
  problem: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

function run(seed: number): RunResult {
  const rand = prng(seed);
  const x = new Float64Array(N);
  const y = new Float64Array(N);
  const angle = new Float64Array(N);
  const hp = new Uint8Array(N);
  const names: string[] = [];
  for (let i = 0; i < N; i++) {
    x[i] = rand() * WORLD;
    y[i] = rand() * WORLD;
    angle[i] = rand() * 6.283;
    hp[i] = (rand() * 100) | 0;
    names.push(`unit${i}`);
  }
  const cx = new Float64Array(clients);
  const cy = new Float64Array(clients);
  for (let c = 0; c < clients; c++) {
    cx[c] = HALF + rand() * (WORLD - 2 * HALF);
    cy[c] = HALF + rand() * (WORLD - 2 * HALF);
  }

  // netschema: the room bench:load runs, without its transport. The sink copies each frame, as a socket send does.
  const room = new RoomCore<Unit, number>({ schema: netschema, patchRate: HZ, grid: { cellSize: HALF } });
  const units: Unit[] = [];
  for (let i = 0; i < N; i++) {
    const u = new Unit();
    u.x = x[i]!;
    u.y = y[i]!;
    u.angle = angle[i]!;
    u.hp = hp[i]!;
    u.name = names[i]!;
    units.push(room.add(u));
  }
  for (let c = 0; c < clients; c++) room.addClient(c, { view: { x: cx[c]!, y: cy[c]!, halfWidth: HALF, halfHeight: HALF, hysteresis: 0 } });
  const roomSent = new SendBuffers(clients);
  let roomFrames = 0;
  let roomBytes = 0;
  const roomSink = (c: { data: number }, f: Uint8Array) => {
    roomSent.put(c.data, f);
    roomFrames++;
    roomBytes += f.length;
  };

  const floor = new LoadFloor({ x: x.slice(), y: y.slice(), angle: angle.slice(), hp, names, cx, cy, half: HALF, world: WORLD, period: TICK_RATE / HZ });
  const floorSent = new SendBuffers(clients);
  const replicas = Array.from({ length: clients }, () => new ReplicaWorld(netschema));
  let floorFrames = 0;
  let floorBytes = 0;
  const floorSink = (c: number, f: Uint8Array) => {
    floorSent.put(c, f);
    floorFrames++;
    floorBytes += f.length;
  };
  floor.join(floorSink);
  applySent(floorSent, replicas);

  const moves = prng(seed + 7);
  const roomTimes: number[] = [];
  const floorTimes: number[] = [];
  let now = 0;
  const total = WARMUP + ticks;
  // Three ticks at the end move nothing, so every client's last frame postdates the last move.
  for (let t = 0; t < total + 3; t++) {
    if (t < total) {
      for (let k = 0; k < MOVED; k++) {
        const i = (moves() * N) | 0;
        const nx = Math.min(WORLD, Math.max(0, x[i]! + (moves() - 0.5) * 8));
        const ny = Math.min(WORLD, Math.max(0, y[i]! + (moves() - 0.5) * 8));
        const na = moves() * 6.283;
        x[i] = nx;
        y[i] = ny;
        angle[i] = na;
        const u = units[i]!;
        u.x = nx;
        u.y = ny;
        u.angle = na;
        floor.move(i, nx, ny, na);
      }
    }
    if (t === WARMUP) roomFrames = roomBytes = floorFrames = floorBytes = 0;
    now += 1000 / TICK_RATE;
    const order = t & 1 ? [0, 1] : [1, 0];
    for (const side of order) {
      const t0 = performance.now();
      if (side === 0) room.update(now, roomSink);
      else floor.update(floorSink);
      const dt = performance.now() - t0;
      if (t >= WARMUP && t < total) (side === 0 ? roomTimes : floorTimes).push(dt);
    }
    // Decoding is the clients' work: outside the timed updates.
    applySent(floorSent, replicas);
    for (let c = 0; c < clients; c++) roomSent.take(c);
  }

  // Every floor replica holds exactly the units inside its view, with their f32 values.
  let problem = '';
  const f32 = new Float32Array(3);
  for (let c = 0; c < clients && problem === ''; c++) {
    const rep = replicas[c]!;
    let inside = 0;
    for (let i = 0; i < N; i++) {
      const dx = x[i]! - cx[c]!;
      const dy = y[i]! - cy[c]!;
      const want = dx <= HALF && dx >= -HALF && dy <= HALF && dy >= -HALF;
      const got = rep.get(i + 1) as { x: number; y: number; angle: number; hp: number; name: string } | undefined;
      if (!want) {
        if (got !== undefined) problem = `client ${c} holds unit ${i} outside its view`;
        continue;
      }
      inside++;
      f32[0] = x[i]!;
      f32[1] = y[i]!;
      f32[2] = angle[i]!;
      if (got === undefined) problem = `client ${c} lacks unit ${i}`;
      else if (got.x !== f32[0] || got.y !== f32[1] || got.angle !== f32[2] || got.hp !== hp[i] || got.name !== names[i]) problem = `client ${c} holds unit ${i} with other values`;
      if (problem !== '') break;
    }
    if (problem === '' && rep.entities.size !== inside) problem = `client ${c} holds ${rep.entities.size} units, its view ${inside}`;
  }
  return {
    roomMs: median(roomTimes),
    floorMs: median(floorTimes),
    roomFrames,
    floorFrames,
    roomBytes,
    floorBytes,
    verified: problem === '',
    problem,
  };
}

const results: RunResult[] = [];
for (let r = 0; r < runs; r++) {
  results.push(run(1 + r));
  process.stderr.write(`load-floor: run ${r + 1}/${runs} done\n`);
}
const med = (f: (r: RunResult) => number) => median(results.map(f));
const framesPerTick = (n: number) => n / (ticks + 3);
const roomMs = med((r) => r.roomMs);
const floorMs = med((r) => r.floorMs);
const roomFpt = med((r) => framesPerTick(r.roomFrames));
const floorFpt = med((r) => framesPerTick(r.floorFrames));
const mach = machine();
const result = {
  bench: 'load-floor',
  compiler: import.meta.url.endsWith('.ts') ? 'tsx' : 'tsc',
  ...mach,
  clients,
  entities: N,
  moved_per_tick: MOVED,
  tick_rate: TICK_RATE,
  hz: HZ,
  ticks,
  runs,
  room_ms: round4(roomMs),
  floor_ms: round4(floorMs),
  room_us_per_frame: round4((1000 * roomMs) / roomFpt),
  floor_us_per_frame: round4((1000 * floorMs) / floorFpt),
  room_vs_floor: round4(roomMs / floorMs),
  room_frames_per_tick: round4(roomFpt),
  floor_frames_per_tick: round4(floorFpt),
  room_bytes_per_frame: round4(med((r) => r.roomBytes / r.roomFrames)),
  floor_bytes_per_frame: round4(med((r) => r.floorBytes / r.floorFrames)),
  verified: results.every((r) => r.verified),
};
console.log(`load-floor: bench:load's room without sockets (${clients} clients, ${N} units, ${MOVED} moved per tick, ${TICK_RATE} Hz ticks, ${HZ} Hz frames); medians of ${runs} runs of ${ticks} ticks`);
console.log(`machine: ${describeMachine(mach)}`);
console.log(`  netschema RoomCore   ${fmt(roomMs)} ms per tick, ${fmt(result.room_us_per_frame)} µs per frame, ${fmt(result.room_bytes_per_frame)} B per frame`);
console.log(`  floor (this scenario only) ${fmt(floorMs)} ms per tick, ${fmt(result.floor_us_per_frame)} µs per frame, ${fmt(result.floor_bytes_per_frame)} B per frame`);
console.log(`  netschema / floor    ${fmt(result.room_vs_floor)}`);
console.log(`  floor replicas       ${result.verified ? 'every one holds exactly its view' : results.map((r) => r.problem).filter(Boolean)[0]}`);
console.log(JSON.stringify(result));
process.exitCode = result.verified ? 0 : 1;
