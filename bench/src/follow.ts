/**
 * `pnpm bench:follow`: the cost of views that follow their players. Every client's view follows
 * its own moving entity (as in a game where each player sees around itself), against the same
 * room with fixed views. 10,000 entities in 1000×1000, radius-112 views, every client's entity
 * moves every tick plus 1,000 others; every client is due every tick.
 *
 *   tsx --conditions=source src/follow.ts [--clients 1000] [--runs 3] [--ticks 150] [--warmup 50]
 *
 * The last line printed is one JSON object with the key numbers.
 */
import { RoomCore, type RoomClient } from '@netschema/runtime';
import { describeMachine, load1, machine } from './machine.js';
import { intOption, parseBenchArgs } from './room-bench.js';
import { Entity } from '@netschema/test-fixtures/schemas/arena';
import { netschema } from '@netschema/test-fixtures/schemas/arena.netschema';
import { collectGarbage, fmt, ms, now, round4, summarize } from './stats.js';

const HELP = `usage: follow [options]

  --clients N       clients, each following its own entity (default 1000)
  --entities N      entities in the world (default 10000)
  --runs N          measured runs per case, interleaved (default 3)
  --ticks N         measured ticks per run (default 150)
  --warmup N        unmeasured ticks at the start of every run (default 50)
  --seed N          seed (default 1)
  -h, --help        this text`;

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values: opts } = parseBenchArgs('follow', HELP, {
  args: argv,
  options: {
    clients: { type: 'string', default: '1000' },
    entities: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '3' },
    ticks: { type: 'string', default: '150' },
    warmup: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const int = (name: string, v: string, min: number) => intOption('follow', HELP, name, v, min);
const clients = int('clients', opts.clients, 1);
const entities = int('entities', opts.entities, clients + 1);
const runs = int('runs', opts.runs, 1);
const ticks = int('ticks', opts.ticks, 1);
const warmup = int('warmup', opts.warmup, 0);
const seed = int('seed', opts.seed, 0);

const WORLD = 1000;
const clamp = (v: number) => (v < 0 ? 0 : v > WORLD ? WORLD : v);

/** One run: build, join, then timed `room.update`s; returns the mean server time per tick (ms). */
function run(follow: boolean): number {
  let s = seed + 1;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const room = new RoomCore<Entity, number>({ schema: netschema, patchRate: 20, grid: { cellSize: 112 } });
  const ents: Entity[] = [];
  for (let i = 0; i < entities; i++) {
    const e = new Entity();
    e.x = rnd() * WORLD;
    e.y = rnd() * WORLD;
    e.name = `e${i}`;
    ents.push(room.add(e));
  }
  const cs: RoomClient<number>[] = [];
  for (let c = 0; c < clients; c++) {
    const cl = room.addClient(c, { view: { x: ents[c]!.x, y: ents[c]!.y, radius: 112 } });
    if (follow) room.follow(cl, ents[c]!);
    cs.push(cl);
  }
  let clock = 0;
  let frames = 0;
  const sink = () => {
    frames++;
  };
  room.update((clock += 50), sink);
  collectGarbage();
  let total = 0;
  for (let t = 0; t < warmup + ticks; t++) {
    // Players walk; 1,000 other entities move.
    for (let c = 0; c < clients; c++) {
      const e = ents[c]!;
      e.x = clamp(e.x + (rnd() - 0.5) * 4);
      e.y = clamp(e.y + (rnd() - 0.5) * 4);
    }
    for (let k = 0; k < 1000; k++) {
      const e = ents[clients + Math.floor(rnd() * (entities - clients))]!;
      e.x = clamp(e.x + (rnd() - 0.5) * 10);
    }
    frames = 0;
    const a = now();
    room.update((clock += 50), sink);
    if (t >= warmup) total += ms(a, now());
    if (frames !== clients) throw new Error(`follow: tick ${t} sent ${frames} frames, expected ${clients}`);
  }
  return total / ticks;
}

const m = machine();
const before = load1();
const fixed: number[] = [];
const following: number[] = [];
for (let r = 0; r < runs; r++) {
  fixed.push(run(false));
  following.push(run(true));
}
const f = summarize(fixed);
const g = summarize(following);
console.log(`follow: ${clients} clients, ${entities} entities in ${WORLD}×${WORLD}, radius-112 views, cell 112; ${runs} runs × ${ticks} ticks (after ${warmup})`);
console.log(`machine: ${describeMachine(m)}; 1-minute load average ${fmt(before)} before, ${fmt(load1())} after`);
console.log(`  fixed views        ${fmt(f.median)} ms per tick [${fmt(f.min)}–${fmt(f.max)}]`);
console.log(`  following views    ${fmt(g.median)} ms per tick [${fmt(g.min)}–${fmt(g.max)}]`);
console.log(`  ratio              ${fmt(g.median / f.median)}`);
console.log(JSON.stringify({ bench: 'follow', ...m, clients, entities, runs, ticks, fixed_ms: round4(f.median), follow_ms: round4(g.median), follow_ratio: round4(g.median / f.median) }));
