#!/usr/bin/env node
// Paired A/B of `pnpm bench:follow`'s following case between two builds: 10,000 entities in
// 1000×1000, 1,000 clients with radius-112 views, each following its own entity (`room.follow`),
// every client due every tick. Each tick every client's entity steps up to 2 units per axis and
// 1,000 others up to 5 along x. Whole runs of this shape drift by 20–40 % on this VM, more than a
// step is worth, so both rooms run in one process on the same moves, one tick each in turn (the
// order flips each tick), and the median of the per-tick time ratios B / A is reported, with the
// bytes each side sent.
//
//   node scripts/build-tsc.mjs && cp -r dist dist-a      # the old build, then change and rebuild
//   node scripts/ab-follow.mjs dist-a dist [--ticks 60] [--warmup 20] [--clients 1000] [--fixed]
//
// --fixed keeps the views where they start (bench:follow's other case). Swap the two builds
// between runs and read both orders together: the second room runs a little slower either way.
import { parseArgs } from 'node:util';
import { fromDist, median } from './ab-pair.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ticks: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '20' },
    clients: { type: 'string', default: '1000' },
    fixed: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 2) {
  console.error('usage: node scripts/ab-follow.mjs <dist-a> <dist-b> [--ticks N] [--warmup N] [--clients N] [--fixed]');
  process.exit(2);
}
const num = (name, min) => {
  const v = Number(o[name]);
  if (!Number.isInteger(v) || v < min) {
    console.error(`ab-follow: --${name} must be an integer of at least ${min}, got ${o[name]}`);
    process.exit(2);
  }
  return v;
};
const ticks = num('ticks', 1);
const warmup = num('warmup', 0);
const clients = num('clients', 1);
const ENTITIES = 10000;
const WORLD = 1000;
if (clients > ENTITIES / 2) {
  console.error(`ab-follow: --clients must be at most ${ENTITIES / 2}, got ${clients}`);
  process.exit(2);
}
const clamp = (v) => (v < 0 ? 0 : v > WORLD ? WORLD : v);
/** bench:follow's generator: the same world and moves on both sides. */
const lcg = (seed) => {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
};

/** A room of one build, its entities and clients as bench:follow makes them, after the join tick. */
async function side(dist) {
  const { RoomCore } = await fromDist(dist, 'packages/runtime/src/index.js');
  // The arena schema lives in the tests' fixtures; builds before late November kept it in the bench.
  const schema = (name) => fromDist(dist, `test/fixtures/schemas/${name}`).catch(() => fromDist(dist, `bench/src/schemas/${name}`));
  const { netschema } = await schema('arena.netschema.js');
  const { Entity } = await schema('arena.js');
  const rnd = lcg(2);
  const room = new RoomCore({ schema: netschema, patchRate: 20, grid: { cellSize: 112 } });
  const ents = [];
  for (let i = 0; i < ENTITIES; i++) {
    const e = new Entity();
    e.x = rnd() * WORLD;
    e.y = rnd() * WORLD;
    e.name = `e${i}`;
    ents.push(room.add(e));
  }
  for (let c = 0; c < clients; c++) {
    const cl = room.addClient(c, { view: { x: ents[c].x, y: ents[c].y, radius: 112 } });
    if (!o.fixed) room.follow(cl, ents[c]);
  }
  const s = { room, ents, bytes: 0, times: [], sink: null };
  s.sink = (_c, f) => {
    s.bytes += f.length;
  };
  room.update(50, s.sink);
  return s;
}

const sides = [await side(positionals[0]), await side(positionals[1])];
const rnd = lcg(7);
const steps = new Float64Array(clients * 2);
const others = new Int32Array(1000);
const otherSteps = new Float64Array(1000);
const ratios = [];
let clock = 50;
for (let t = 0; t < warmup + ticks; t++) {
  for (let i = 0; i < clients * 2; i++) steps[i] = (rnd() - 0.5) * 4;
  for (let k = 0; k < 1000; k++) {
    others[k] = clients + Math.floor(rnd() * (ENTITIES - clients));
    otherSteps[k] = (rnd() - 0.5) * 10;
  }
  clock += 50;
  const dt = [0, 0];
  for (const k of t & 1 ? [1, 0] : [0, 1]) {
    const s = sides[k];
    for (let c = 0; c < clients; c++) {
      const e = s.ents[c];
      e.x = clamp(e.x + steps[c * 2]);
      e.y = clamp(e.y + steps[c * 2 + 1]);
    }
    for (let j = 0; j < 1000; j++) {
      const e = s.ents[others[j]];
      e.x = clamp(e.x + otherSteps[j]);
    }
    const t0 = performance.now();
    s.room.update(clock, s.sink);
    dt[k] = performance.now() - t0;
  }
  if (t >= warmup) {
    sides[0].times.push(dt[0]);
    sides[1].times.push(dt[1]);
    ratios.push(dt[1] / dt[0]);
  }
}
const r4 = (v) => Math.round(v * 1e4) / 1e4;
console.log(
  JSON.stringify({
    bench: 'ab-follow',
    a: positionals[0],
    b: positionals[1],
    clients,
    following: !o.fixed,
    ticks,
    a_ms: r4(median(sides[0].times)),
    b_ms: r4(median(sides[1].times)),
    ratio_b_a: r4(median(ratios)),
    same_bytes: sides[0].bytes === sides[1].bytes,
    a_bytes: sides[0].bytes,
    b_bytes: sides[1].bytes,
  }),
);
