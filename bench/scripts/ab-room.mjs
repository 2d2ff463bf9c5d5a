#!/usr/bin/env node
// Paired A/B of the room tick between two builds, for steps smaller than this VM's drift between
// whole runs. Two rooms, one from each build, hold the same world and get the same moves; every
// tick both update, one after the other (the order flips each tick), and the median of the
// per-tick time ratios B / A is reported, with whether both sent the same bytes.
//
//   node scripts/build-tsc.mjs && cp -r dist dist-a      # the old build, then change and rebuild
//   node scripts/ab-room.mjs dist-a dist [--ticks 400] [--clients 100] [--hz 60] [--tick-rate 60] [--jitter 0] [--cell-log auto]
//
// Swap the two builds between runs: an A/A run gives about 1.05, the second room's bias.
// The world is bench:load's (10,000 units, box views of 224 units, no hysteresis, grid cell
// 112): --hz 20 --clients 1000 is bench:load's shape, --hz 60 --clients 100 the arena's.
// --jitter F spreads each tick's interval uniformly over (1 ± F) of its nominal length, as a
// real server's timer does: clients due together then had their last frames on different ticks.
// --cell-log M sets the grid's cellLog on both sides, A,B one per side (one build twice compares modes).
// --follow F moves every view up to F units per axis each tick (setView, timed with the tick).
// --entities N (default 10,000) and --cell N (the grid cell edge, default 112; A,B one per side) change the world:
// --entities 5000 --cell 56 --clients 200 --follow 2 is the following scenario's shape.
// --thrash M writes M MiB of other memory before each side's writes and tick (untimed), as a
// server's other work (bench:arena's replica decoding, a socket layer) leaves the caches between
// ticks; without it, each tick finds the room as the last tick left it.
import { parseArgs } from 'node:util';
import { fromDist, median, otherMemory } from './ab-pair.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ticks: { type: 'string', default: '400' },
    clients: { type: 'string', default: '100' },
    hz: { type: 'string', default: '60' },
    'tick-rate': { type: 'string', default: '60' },
    warmup: { type: 'string', default: '120' },
    jitter: { type: 'string', default: '0' },
    'cell-log': { type: 'string', default: 'auto' },
    follow: { type: 'string', default: '0' },
    entities: { type: 'string', default: '10000' },
    cell: { type: 'string', default: '112' },
    thrash: { type: 'string', default: '0' },
  },
});
if (positionals.length !== 2) {
  console.error('usage: node scripts/ab-room.mjs <dist-a> <dist-b> [--ticks N] [--clients N] [--hz N] [--tick-rate N] [--warmup N] [--jitter F] [--cell-log M or A,B] [--follow F] [--entities N] [--cell N or A,B] [--thrash MiB]');
  process.exit(2);
}
const num = (name) => {
  const v = Number(o[name]);
  if (!Number.isInteger(v) || v < 1) {
    console.error(`ab-room: --${name} must be a positive integer, got ${o[name]}`);
    process.exit(2);
  }
  return v;
};
const [ticks, clients, hz, tickRate, warmup, N] = ['ticks', 'clients', 'hz', 'tick-rate', 'warmup', 'entities'].map(num);
// --cell N, or A,B for a different cell edge per side (the same build twice compares cell sizes).
const cells = o.cell.split(',').map(Number);
if (cells.length > 2 || cells.some((v) => !(Number.isInteger(v) && v >= 1))) {
  console.error(`ab-room: --cell must be a positive integer, or two of them as A,B; got ${o.cell}`);
  process.exit(2);
}
const jitter = Number(o.jitter);
if (!(jitter >= 0 && jitter < 1)) {
  console.error(`ab-room: --jitter must be a fraction in [0, 1), got ${o.jitter}`);
  process.exit(2);
}
const thrash = otherMemory('ab-room', o.thrash);
const W = 1000;
const HALF = 112;
const moved = Math.round((1000 * hz) / tickRate);

const from = fromDist;
const { prng } = await from(positionals[0], 'bench/src/fixtures.js');

/** A room of one build, with the world and clients every side gets from the same seed. */
async function side(dist, cellLog, cellSize) {
  const { RoomCore } = await from(dist, 'packages/runtime/src/index.js');
  const { netschema } = await from(dist, 'bench/src/schemas/load.netschema.js');
  const { Unit } = await from(dist, 'bench/src/schemas/load.js');
  const rand = prng(1);
  const room = new RoomCore({ schema: netschema, patchRate: hz, grid: { cellSize, cellLog } });
  const units = [];
  for (let i = 0; i < N; i++) {
    const u = new Unit();
    u.x = rand() * W;
    u.y = rand() * W;
    u.angle = rand() * 6.283;
    u.hp = (rand() * 100) | 0;
    u.name = `unit${i}`;
    units.push(room.add(u));
  }
  const cs = [];
  for (let c = 0; c < clients; c++) {
    cs.push(room.addClient(c, { view: { x: HALF + rand() * (W - 2 * HALF), y: HALF + rand() * (W - 2 * HALF), halfWidth: HALF, halfHeight: HALF, hysteresis: 0 } }));
  }
  // The sink copies each frame, as a socket send does.
  const buf = new Uint8Array(1 << 16);
  const s = { room, units, clients: cs, bytes: 0, times: [], sink: null };
  let pos = 0;
  s.sink = (_c, f) => {
    if (pos + f.length > buf.length) pos = 0;
    buf.set(f, pos);
    pos += f.length;
    s.bytes += f.length;
  };
  return s;
}

// --cell-log M, or A,B for a different mode per side (the same build twice compares modes).
const logModes = o['cell-log'].split(',');
if (logModes.length > 2 || logModes.some((m) => !['auto', 'always', 'never'].includes(m))) {
  console.error(`ab-room: --cell-log must be auto, always or never, or two of them as A,B; got ${o['cell-log']}`);
  process.exit(2);
}
const sides = [await side(positionals[0], logModes[0], cells[0]), await side(positionals[1], logModes[logModes.length - 1], cells[cells.length - 1])];
const rand = prng(7);
// --follow F: every view steps up to F units along each axis every tick (set before the tick, and
// timed with it), as views that follow their players do.
const follow = Number(o.follow);
if (!(follow >= 0 && follow < HALF)) {
  console.error(`ab-room: --follow must be a step in [0, ${HALF}) units, got ${o.follow}`);
  process.exit(2);
}
const vx = new Float64Array(clients);
const vy = new Float64Array(clients);
for (let c = 0; c < clients; c++) {
  vx[c] = sides[0].clients[c].shape.x;
  vy[c] = sides[0].clients[c].shape.y;
}
const idx = new Int32Array(moved);
const step = new Float64Array(moved * 3);
const ratios = [];
let now = 0;
for (let t = 0; t < warmup + ticks; t++) {
  for (let i = 0; i < moved; i++) {
    idx[i] = (rand() * N) | 0;
    step[i * 3] = (rand() - 0.5) * 8;
    step[i * 3 + 1] = (rand() - 0.5) * 8;
    step[i * 3 + 2] = rand() * 6.283;
  }
  if (follow > 0) {
    for (let c = 0; c < clients; c++) {
      vx[c] = Math.min(W - HALF, Math.max(HALF, vx[c] + (rand() - 0.5) * 2 * follow));
      vy[c] = Math.min(W - HALF, Math.max(HALF, vy[c] + (rand() - 0.5) * 2 * follow));
    }
  }
  const dt = [0, 0];
  for (const k of t & 1 ? [1, 0] : [0, 1]) {
    const s = sides[k];
    // The other work first, then the game's writes, then the tick: the entities just written are
    // in cache, the room's own state is not.
    if (thrash) thrash();
    for (let i = 0; i < moved; i++) {
      const u = s.units[idx[i]];
      u.x = Math.min(W, Math.max(0, u.x + step[i * 3]));
      u.y = Math.min(W, Math.max(0, u.y + step[i * 3 + 1]));
      u.angle = step[i * 3 + 2];
    }
    const t0 = performance.now();
    if (follow > 0) for (let c = 0; c < clients; c++) s.clients[c].setView({ x: vx[c], y: vy[c], halfWidth: HALF, halfHeight: HALF, hysteresis: 0 });
    s.room.update(now, s.sink);
    dt[k] = performance.now() - t0;
  }
  if (t >= warmup) {
    sides[0].times.push(dt[0]);
    sides[1].times.push(dt[1]);
    ratios.push(dt[1] / dt[0]);
  }
  now += (1000 / tickRate) * (1 + jitter * (2 * rand() - 1));
}
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
const r4 = (v) => Math.round(v * 1e4) / 1e4;
console.log(
  JSON.stringify({
    bench: 'ab-room',
    a: positionals[0],
    b: positionals[1],
    clients,
    hz,
    tick_rate: tickRate,
    ticks,
    jitter,
    thrash_mib: Number(o.thrash),
    a_ms: r4(median(sides[0].times)),
    b_ms: r4(median(sides[1].times)),
    // Means too: the arena bench reports mean tick times, which a few slow ticks move.
    a_mean_ms: r4(mean(sides[0].times)),
    b_mean_ms: r4(mean(sides[1].times)),
    ratio_b_a: r4(median(ratios)),
    same_bytes: sides[0].bytes === sides[1].bytes,
    a_bytes: sides[0].bytes,
    b_bytes: sides[1].bytes,
  }),
);
