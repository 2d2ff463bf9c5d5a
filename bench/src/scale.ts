/**
 * `pnpm bench:scale`: how netschema's room tick grows with the size of the world and with the
 * number of clients, at a fixed 1,000 changed entities per tick. Three cases, netschema f32 only:
 *
 *   10k-100c    10,000 entities, 1000×1000 world, 100 clients (the arena-rooms case)
 *   100k-100c   100,000 entities, 100 clients, each window still holding ~500 entities
 *   10k-1000c   10,000 entities, 1000×1000 world, 1,000 clients
 *
 * `--variant area` (default) keeps the density: the 100k world is √10 times wider (10× the area)
 * and windows keep their size, so a window, a grid cell and a step look the same in both worlds
 * and only the number of entities (and of cells) differs. `--variant density` keeps the
 * 1000×1000 area, puts 10× the entities in it and shrinks every window to 1/10 of its area.
 *
 *   tsx --conditions=source src/scale.ts [--runs 5] [--ticks 100] [--warmup 100]
 *
 * The last line printed is one JSON object with `world_ratio`, `clients_ratio` and the medians.
 */
import { makeArena, type ArenaFixture } from './fixtures.js';
import { describeMachine, load1, machine } from './machine.js';
import { cell, EXACT_METRICS, intOption, parseBenchArgs, printTable, ROOM_LABELS, runRoom, type RoomMetric, type RoomSample } from './room-bench.js';
import { placeClients, replayGeometry, windowMembers, type ReplayGeometry, type RoomScenario } from './room-scenario.js';
import { fmt, ms, now, round4, summarize, type Summary } from './stats.js';
import { NetschemaRoomTarget } from './targets/room-netschema.js';

const HELP = `usage: scale [options]

  --runs N          measured runs of every case, each from a fresh state (default 5)
  --ticks N         measured ticks per run (default 100)
  --warmup N        unmeasured ticks at the start of every run, after the join (default 100:
                    V8 optimizes each new room's code again, see bench/README.md, "Warm-up")
  --moved N         entities moved per tick (default 1000)
  --half N          half the side of a window in the 10k world (default 112: 5.0% of it)
  --variant V       area (default): the 100k world has 10x the area, same windows;
                    density: the same 1000x1000 area, windows shrunk to 1/10 of the area
  --cell N          grid cell edge (default: each case's window half side)
  --seed N          fixture seed (default 1)
  -h, --help        this text`;

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values: opts } = parseBenchArgs('scale', HELP, {
  args: argv,
  options: {
    runs: { type: 'string', default: '5' },
    ticks: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '100' },
    moved: { type: 'string', default: '1000' },
    half: { type: 'string', default: '112' },
    variant: { type: 'string', default: 'area' },
    cell: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const int = (name: string, v: string, min: number) => intOption('scale', HELP, name, v, min);
const runs = int('runs', opts.runs, 1);
const ticks = int('ticks', opts.ticks, 1);
const warmup = int('warmup', opts.warmup, 0);
const movedPerTick = int('moved', opts.moved, 1);
const half = int('half', opts.half, 1);
const cellSize = int('cell', opts.cell, 0);
const seed = int('seed', opts.seed, 0);
const variant = opts.variant;
if (variant !== 'area' && variant !== 'density') {
  console.error(`scale: --variant expects area or density, got '${variant}'`);
  process.exit(2);
}

interface Case {
  key: string;
  label: string;
  entities: number;
  clients: number;
  world: number;
  half: number;
  fx: ArenaFixture;
  sc: RoomScenario;
  geo: ReplayGeometry;
  members: Int32Array[];
}

function makeCase(key: string, entities: number, clients: number, world: number, h: number): Case {
  const fx = makeArena({ entities, movedPerTick, worldSize: world, ticks: warmup + ticks, seed, order: 'sorted' });
  const sc = placeClients(clients, world, h);
  return {
    key,
    label: `${entities / 1000}k entities, ${clients} clients`,
    entities,
    clients,
    world,
    half: h,
    fx,
    sc,
    geo: replayGeometry(sc, fx),
    members: windowMembers(sc, fx.final),
  };
}

const bigWorld = variant === 'area' ? 1000 * Math.sqrt(10) : 1000;
const bigHalf = variant === 'area' ? half : half / Math.sqrt(10);
process.stderr.write('scale: building fixtures\n');
const cases: Case[] = [
  makeCase('10k_100c', 10_000, 100, 1000, half),
  makeCase('100k_100c', 100_000, 100, bigWorld, bigHalf),
  makeCase('10k_1000c', 10_000, 1000, 1000, half),
];

const started = now();
const loadBefore = load1();
const target = new NetschemaRoomTarget('f32', cellSize);
const samples = new Map<string, RoomSample[]>(cases.map((c) => [c.key, []]));
const problems: string[] = [];
process.stderr.write(`scale: warm-up run, then ${runs} runs of ${cases.map((c) => c.key).join(', ')}\n`);
for (let run = -1; run < runs; run++) {
  const shift = run < 0 ? 0 : run % cases.length;
  for (const c of [...cases.slice(shift), ...cases.slice(0, shift)]) {
    const r = runRoom(target, c.fx, c.sc, c.geo, c.members, warmup);
    if (run >= 0) samples.get(c.key)!.push(r.sample);
    problems.push(...r.problems.map((p) => `run ${run + 1}, ${c.key}: ${p}`));
  }
  process.stderr.write(run < 0 ? 'scale: warm-up done\n' : `scale: run ${run + 1}/${runs} done\n`);
}
const loadAfter = load1();
const verified = problems.length === 0;

// ── report ──

const METRICS: RoomMetric[] = [
  'server_plus_writes_ms',
  'server_ms',
  'writes_ms',
  'server_us_per_client',
  'bytes_per_client',
  'bytes_per_moved',
  'decode_us_per_client',
  'build_ms',
  'join_ms',
  'join_bytes_per_client',
];
const sum: Record<string, Record<RoomMetric, Summary>> = {};
for (const c of cases) {
  const rows = samples.get(c.key)!;
  sum[c.key] = Object.fromEntries(METRICS.map((m) => [m, summarize(rows.map((r) => r[m]))])) as Record<RoomMetric, Summary>;
}
const perTick = (a: Float64Array) => a.subarray(warmup).reduce((s, v) => s + v, 0) / ticks;
const mach = machine();
console.log(
  `scale: netschema RoomCore, Entity (f32), ${movedPerTick} entities moved per tick (${movedPerTick * 3} writes), every client due every tick (20 Hz); ` +
    `variant ${variant}: ${variant === 'area' ? 'the 100k world has 10× the area (same density, same windows)' : 'the same area, windows shrunk to 1/10 of the area'}`,
);
console.log(`${ticks} measured ticks per run after ${warmup} warm-up ticks, ${runs} runs (+1 discarded), cases interleaved`);
console.log(
  `machine: ${describeMachine(mach)}; compiled by ${import.meta.url.endsWith('.ts') ? 'tsx (esbuild)' : 'tsc'}; ` +
    `${Math.round(ms(started, now()) / 100) / 10} s; 1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`,
);
console.log('');
const geometry: [string, (c: Case) => string][] = [
  ['world side', (c) => fmt(c.world)],
  ['window side', (c) => fmt(2 * c.half)],
  ['grid cell', (c) => fmt(target.cellFor(c.sc))],
  ['entities per window (mean)', (c) => fmt(c.geo.meanWindow)],
  ['moved entities in a window per tick', (c) => fmt(perTick(c.geo.movedInView) / c.clients)],
  ['window crossings per client per tick', (c) => fmt(perTick(c.geo.crossings) / c.clients)],
  ['viewers per moved entity (mean)', (c) => fmt(perTick(c.geo.movedInView) / movedPerTick)],
];
printTable(
  ['case (median [min–max] of runs)', ...cases.map((c) => c.key)],
  [
    ...geometry.map(([label, f]) => [label, ...cases.map(f)]),
    ...METRICS.map((m) => [ROOM_LABELS[m], ...cases.map((c) => cell(sum[c.key]![m], EXACT_METRICS.has(m)))]),
  ],
);
const med = (k: string, m: RoomMetric) => sum[k]![m].median;
const worldRatio = med('100k_100c', 'server_plus_writes_ms') / med('10k_100c', 'server_plus_writes_ms');
const clientsRatio = med('10k_1000c', 'server_plus_writes_ms') / med('10k_100c', 'server_plus_writes_ms');
console.log('');
console.log('ratios of medians (server time + writes per tick):');
console.log(`  100k / 10k entities (100 clients)   ${fmt(worldRatio).padStart(6)}  goal <= 1.5  ${worldRatio <= 1.5 ? 'met' : 'NOT met'}`);
console.log(`  1,000 / 100 clients (10k entities)  ${fmt(clientsRatio).padStart(6)}  (no goal; 10× the clients)`);
console.log('');
console.log(`verified: ${verified}${verified ? ' (every client holds exactly its window, f32 values)' : ''}`);
for (const p of problems.slice(0, 10)) console.log(`  ${p}`);

const json: Record<string, unknown> = {
  bench: 'scale',
  compiler: import.meta.url.endsWith('.ts') ? 'tsx' : 'tsc',
  ...mach,
  variant,
  moved_per_tick: movedPerTick,
  runs,
  ticks,
  warmup,
  loadavg_before: round4(loadBefore),
  loadavg_after: round4(loadAfter),
  world_ratio: round4(worldRatio),
  clients_ratio: round4(clientsRatio),
  world_goal_met: worldRatio <= 1.5,
};
for (const c of cases) {
  json[`${c.key}_mean_window_entities`] = round4(c.geo.meanWindow);
  json[`${c.key}_moved_in_view_per_client`] = round4(perTick(c.geo.movedInView) / c.clients);
  for (const m of METRICS) json[`${c.key}_${m}`] = round4(med(c.key, m));
}
json.verified = verified;
console.log(JSON.stringify(json));
process.exitCode = verified ? 0 : 1;
