#!/usr/bin/env node
// Paired A/B of the owner_only scenario's room tick between two builds, as ab-room.mjs does for
// the arena's: 100 clients without views, 1,000 heroes every client sees (`global: true`), 10
// owned by each client, 20 owner-only hp changes a tick. A tick there costs tens of µs, less than
// this VM's drift between whole runs, so both rooms run in one process, one tick each in turn (the
// order flips each tick), and the median of the per-tick time ratios B / A is reported, with
// whether both sent the same bytes. The sink takes each client's ownership news, as the host does.
//
//   node scripts/build-tsc.mjs && cp -r dist dist-a      # the old build, then change and rebuild
//   node scripts/ab-owner.mjs dist-a dist [--ticks 3000] [--thrash 16]
//
// Swap the two builds between runs and read both orders together. --thrash M writes M MiB of
// other memory before each side's writes and tick (untimed), as bench:arena's replica decoding
// leaves the caches.
import { parseArgs } from 'node:util';
import { fromDist, median, otherMemory } from './ab-pair.mjs';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    ticks: { type: 'string', default: '3000' },
    warmup: { type: 'string', default: '500' },
    thrash: { type: 'string', default: '16' },
  },
});
if (positionals.length !== 2) {
  console.error('usage: node scripts/ab-owner.mjs <dist-a> <dist-b> [--ticks N] [--warmup N] [--thrash MiB]');
  process.exit(2);
}
const ticks = Number(o.ticks);
const warmup = Number(o.warmup);
if (!Number.isInteger(ticks) || ticks < 1 || !Number.isInteger(warmup) || warmup < 0) {
  console.error(`ab-owner: --ticks must be a positive integer and --warmup a whole number, got ${o.ticks} and ${o.warmup}`);
  process.exit(2);
}
const thrash = otherMemory('ab-owner', o.thrash);
const CLIENTS = 100;
const HEROES = 1000;
const CHANGES = 20;
const RATE = 20;

const from = fromDist;

/** A room of one build with every hero owned and every client joined (its first frame sent). */
async function side(dist) {
  const { RoomCore } = await from(dist, 'packages/runtime/src/index.js');
  const { Hero } = await from(dist, 'bench/src/schemas/hero.js');
  const heroCodec = await from(dist, 'bench/src/schemas/hero.netschema.js');
  const room = new RoomCore({ schema: heroCodec, patchRate: RATE });
  const clients = [];
  for (let c = 0; c < CLIENTS; c++) clients.push(room.addClient(c));
  const heroes = [];
  for (let i = 0; i < HEROES; i++) {
    const e = new Hero();
    e.x = i;
    e.y = i;
    e.angle = 0;
    e.hp = 50;
    e.name = `hero${i}`;
    heroes.push(room.add(e, { global: true }));
    room.setOwner(e, clients[i % CLIENTS]);
  }
  // The sink copies each frame, as a socket send does, and takes the ownership news.
  const buf = new Uint8Array(1 << 20);
  let pos = 0;
  const s = { room, heroes, bytes: 0, times: [], now: 0, sink: null };
  s.sink = (c, f) => {
    if (pos + f.length > buf.length) pos = 0;
    buf.set(f, pos);
    pos += f.length;
    s.bytes += f.length;
    room.takeOwned(c);
  };
  room.update(s.now, s.sink);
  s.now += 1000 / RATE;
  return s;
}

const sides = [await side(positionals[0]), await side(positionals[1])];
let seed = 5;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const idx = new Int32Array(CHANGES);
const hp = new Int32Array(CHANGES);
const ratios = [];
for (let t = 0; t < warmup + ticks; t++) {
  for (let i = 0; i < CHANGES; i++) {
    idx[i] = (rand() * HEROES) | 0;
    hp[i] = (rand() * 100) | 0;
  }
  const dt = [0, 0];
  for (const k of t & 1 ? [1, 0] : [0, 1]) {
    const s = sides[k];
    if (thrash) thrash();
    for (let i = 0; i < CHANGES; i++) s.heroes[idx[i]].hp = hp[i];
    const t0 = performance.now();
    s.room.update(s.now, s.sink);
    dt[k] = performance.now() - t0;
    s.now += 1000 / RATE;
  }
  if (t >= warmup) {
    sides[0].times.push(dt[0]);
    sides[1].times.push(dt[1]);
    ratios.push(dt[1] / dt[0]);
  }
}
const r2 = (v) => Math.round(v * 100) / 100;
console.log(
  JSON.stringify({
    bench: 'ab-owner',
    a: positionals[0],
    b: positionals[1],
    ticks,
    thrash_mib: Number(o.thrash),
    a_us: r2(median(sides[0].times) * 1000),
    b_us: r2(median(sides[1].times) * 1000),
    ratio_b_a: Math.round(median(ratios) * 1e4) / 1e4,
    same_bytes: sides[0].bytes === sides[1].bytes,
    a_bytes: sides[0].bytes,
    b_bytes: sides[1].bytes,
  }),
);
