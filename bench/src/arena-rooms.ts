/**
 * `pnpm bench:arena`: the arena world served to many clients, each seeing only its window.
 * 10,000 entities {x, y, angle, hp, name} in a 1000×1000 world, 1,000 moved per tick, 100 clients
 * at fixed positions, each with a square window of about 5% of the world (~500 entities).
 * netschema's RoomCore (f32 and quantized) against @colyseus/schema 5.0.34 with StateViews (f32
 * and quantized), in one process, on the same fixture. Then the issue-15 scenarios
 * (scenarios/all.ts: following views, late join, owner-only fields, churn), each netschema against
 * Colyseus, with the same number of runs; their ratios join the goals.
 *
 *   node scripts/build-tsc.mjs && node dist/bench/src/arena-rooms.js [filter-regex] [options]   (bench:arena)
 *   tsx --conditions=source src/arena-rooms.ts [filter-regex] [options]                        (bench:arena:tsx)
 *
 * See README.md. The last line printed is one JSON object with the key numbers.
 */
import { makeArena } from './fixtures.js';
import { describeMachine, load1, machine } from './machine.js';
import { cell, EXACT_METRICS, intOption, parseBenchArgs, printTable, ROOM_LABELS, ROOM_METRICS, runRoom, type RoomMetric, type RoomSample } from './room-bench.js';
import { placeClients, replayGeometry, windowMembers } from './room-scenario.js';
import { fmt, ms, now, round4, summarize, type Summary } from './stats.js';
import { ColyseusRoomTarget } from './targets/room-colyseus.js';
import { FloorRoomTarget } from './targets/room-floor.js';
import { NetschemaRoomTarget } from './targets/room-netschema.js';
import type { RoomTarget } from './targets/room-target.js';
import { runScenarios, SCENARIO_KEYS, selectScenarios } from './scenarios/report.js';
import type { ScenarioReport } from './scenarios/scenario.js';

const HELP = `usage: arena-rooms [filter-regex] [options]

  filter-regex      run only the targets whose name matches (netschema-f32, netschema-quant,
                    colyseus-f32, colyseus-quant, floor-f32: a lower bound, see
                    targets/room-floor.ts)
  --runs N          measured runs, each from a fresh state (default 5; the scenarios too)
  --ticks N         measured ticks per run (default 100)
  --warmup N        unmeasured ticks at the start of every run, after the join (default 100)
  --clients N       clients (default 100)
  --entities N      entities in the world (default 10000)
  --moved N         entities moved per tick (default 1000)
  --half N          half the side of each client's square window (default 112: 5.0% of the world)
  --cell N          netschema grid cell edge (default: the window's half side)
  --seed N          fixture seed, and the scenarios' (default 1)
  --scenarios KEYS  issue-15 scenarios run after the targets: comma-separated keys
                    (${SCENARIO_KEYS.join(', ')}), all (the default) or none
  -h, --help        this text`;

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values: opts, positionals } = parseBenchArgs('arena-rooms', HELP, {
  args: argv,
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '5' },
    ticks: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '100' },
    clients: { type: 'string', default: '100' },
    entities: { type: 'string', default: '10000' },
    moved: { type: 'string', default: '1000' },
    half: { type: 'string', default: '112' },
    cell: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    scenarios: { type: 'string', default: 'all' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const int = (name: string, v: string, min: number) => intOption('arena-rooms', HELP, name, v, min);
const runs = int('runs', opts.runs, 1);
const ticks = int('ticks', opts.ticks, 1);
// 100 by default, not 20: each run builds its rooms anew after the last run's were collected, and
// V8 optimizes their tick code again. netschema's ticks 20–45 ran at 0.58–0.80 ms against
// 0.34–0.41 from about tick 70 on (BENCHMARKS.md, "warm-up"); Colyseus's settle within 45.
const warmup = int('warmup', opts.warmup, 0);
const clients = int('clients', opts.clients, 1);
const half = int('half', opts.half, 1);
const cellSize = int('cell', opts.cell, 0);
const seed = int('seed', opts.seed, 0);
const selectedScenarios = selectScenarios('arena-rooms', HELP, 'scenarios', opts.scenarios);
const filter = new RegExp(positionals[0] ?? '.');
const WORLD = 1000;
if (2 * half > WORLD) {
  console.error(`arena-rooms: --half ${half} makes windows wider than the ${WORLD}-unit world`);
  process.exit(2);
}

const fx = makeArena({
  entities: int('entities', opts.entities, 1),
  movedPerTick: int('moved', opts.moved, 1),
  worldSize: WORLD,
  ticks: warmup + ticks,
  seed,
  order: 'sorted',
});
const moved = fx.ticks[0]!.idx.length;
const sc = placeClients(clients, WORLD, half);
const geo = replayGeometry(sc, fx);
const finalMembers = windowMembers(sc, fx.final);
const measured = (a: Float64Array) => a.subarray(warmup).reduce((s, v) => s + v, 0) / ticks;

const targets: RoomTarget[] = [
  new NetschemaRoomTarget('f32', cellSize),
  new NetschemaRoomTarget('quant', cellSize),
  new ColyseusRoomTarget('f32'),
  new ColyseusRoomTarget('quant'),
  new FloorRoomTarget(),
].filter((t) => filter.test(t.name));
if (targets.length === 0) {
  console.error(`arena-rooms: no target matches /${filter.source}/`);
  process.exit(2);
}

const started = now();
const loadBefore = load1();
const samples = new Map<string, RoomSample[]>(targets.map((t) => [t.name, []]));
const problems: string[] = [];
process.stderr.write(`arena-rooms: warm-up run, then ${runs} runs of ${targets.map((t) => t.name).join(', ')}\n`);
for (let run = -1; run < runs; run++) {
  const shift = run < 0 ? 0 : run % targets.length;
  for (const t of [...targets.slice(shift), ...targets.slice(0, shift)]) {
    const r = runRoom(t, fx, sc, geo, finalMembers, warmup);
    if (run >= 0) samples.get(t.name)!.push(r.sample);
    problems.push(...r.problems.map((p) => `run ${run + 1}: ${p}`));
  }
  process.stderr.write(run < 0 ? 'arena-rooms: warm-up done\n' : `arena-rooms: run ${run + 1}/${runs} done\n`);
}
const loadAfter = load1();

// ── report ──

const sum: Record<string, Record<RoomMetric, Summary>> = {};
for (const t of targets) {
  const rows = samples.get(t.name)!;
  sum[t.name] = Object.fromEntries(ROOM_METRICS.map((m) => [m, summarize(rows.map((r) => r[m]))])) as Record<RoomMetric, Summary>;
}
const mach = machine();
const gridCell = targets.find((t): t is NetschemaRoomTarget => t instanceof NetschemaRoomTarget)?.cellFor(sc);
console.log(
  `arena-rooms: ${fx.options.entities} entities in a ${WORLD}×${WORLD} world, ${moved} moved per tick (${moved * 3} writes), ` +
    `${clients} clients with a ${2 * half}×${2 * half} window each (${fmt((100 * 4 * half * half) / (WORLD * WORLD))}% of the world; ` +
    `${fmt(geo.meanWindow)} entities per window on average, ${fmt(measured(geo.movedInView) / clients)} moved entities in it per tick, ` +
    `${fmt(measured(geo.crossings) / clients)} window crossings per client per tick)`,
);
console.log(
  `${ticks} measured ticks per run after ${warmup} warm-up ticks, ${runs} runs (+1 discarded); netschema grid cell ${gridCell ?? '-'}; ` +
    `every client due every tick (20 Hz, room clock +50 ms per tick)`,
);
console.log(
  `machine: ${describeMachine(mach)}; compiled by ${import.meta.url.endsWith('.ts') ? 'tsx (esbuild)' : 'tsc'}; ` +
    `${Math.round(ms(started, now()) / 100) / 10} s; 1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`,
);
console.log('');
printTable(
  ['metric (median [min–max] of runs)', ...targets.map((t) => t.name)],
  ROOM_METRICS.map((m) => [ROOM_LABELS[m], ...targets.map((t) => cell(sum[t.name]![m], EXACT_METRICS.has(m)))]),
);
console.log('');
for (const t of targets) console.log(`  ${t.name}: ${t.description}`);

// ── the issue-15 scenarios, after the targets ──

let scenarioReports: ScenarioReport[] = [];
let loadAfterScenarios = loadAfter;
if (selectedScenarios.length > 0) {
  const keys = selectedScenarios.map((s) => s.key).join(', ');
  process.stderr.write(`arena-rooms: scenarios ${keys}, ${runs} runs each\n`);
  console.log('');
  console.log(`scenarios (issue 15), each netschema RoomCore against @colyseus/schema 5.0.34, ${runs} runs (+1 discarded), seed ${seed}: ${keys}`);
  const scenariosStarted = now();
  scenarioReports = runScenarios(selectedScenarios, { runs, seed });
  loadAfterScenarios = load1();
  console.log('');
  console.log(`scenarios: ${Math.round(ms(scenariosStarted, now()) / 100) / 10} s; 1-minute load average ${loadAfterScenarios.toFixed(2)} after`);
}
for (const r of scenarioReports) problems.push(...r.problems.map((p) => `scenario ${r.key}: ${p}`));
const verified = problems.length === 0;
const scenarioRatios = new Map<string, number>();
for (const r of scenarioReports) for (const [k, v] of Object.entries(r.ratios)) scenarioRatios.set(k, v);
/** A scenario's ratio (netschema / Colyseus of medians); NaN when its scenario did not run. */
const sratio = (key: string): number => scenarioRatios.get(key) ?? NaN;

const med = (name: string, m: RoomMetric): number => sum[name]?.[m].median ?? NaN;
const ratio = (a: string, b: string, m: RoomMetric) => med(a, m) / med(b, m);
interface Goal {
  key: string;
  label: string;
  value: number;
  goal: number;
}
const goals: Goal[] = [
  { key: 'encode_ratio', label: 'server time per tick, netschema f32 / Colyseus f32', value: ratio('netschema-f32', 'colyseus-f32', 'server_ms'), goal: 0.2 },
  { key: 'bytes_ratio_f32', label: 'bytes per client, netschema f32 / Colyseus f32', value: ratio('netschema-f32', 'colyseus-f32', 'bytes_per_client'), goal: 0.8 },
  { key: 'bytes_ratio_quant', label: 'bytes per client, netschema quantized / Colyseus f32', value: ratio('netschema-quant', 'colyseus-f32', 'bytes_per_client'), goal: 0.45 },
  { key: 'decode_ratio', label: 'client decode per frame, netschema f32 / Colyseus f32', value: ratio('netschema-f32', 'colyseus-f32', 'decode_us_per_client'), goal: 0.25 },
  { key: 'writes_ratio', label: 'field writes per tick, netschema f32 / Colyseus f32', value: ratio('netschema-f32', 'colyseus-f32', 'writes_ms'), goal: 0.5 },
  // The issue-15 scenarios (netschema / Colyseus of medians; null in the JSON when not run).
  ...(
    [
      ['following_ratio', 'following: server time per tick', 0.5],
      ['following_bytes_ratio', 'following: bytes per client per tick', 1.0],
      ['owner_mixed_ratio', 'owner_mixed: server time per tick', 0.5],
      ['owner_mixed_bytes_ratio', 'owner_mixed: bytes per client per tick', 1.0],
      ['owner_only_ratio', 'owner_only: server time per tick', 0.5],
      ['owner_bytes_ratio', 'owner_only: bytes per client per tick', 1.0],
      ['churn_writes_ratio', 'churn: removals + spawns per tick', 0.5],
      ['churn_ratio', 'churn: server time per tick', 0.5],
      ['churn_bytes_ratio', 'churn: bytes per client per tick', 1.0],
      ['join_ratio', 'join: server time per join', 0.5],
      ['join_bytes_ratio', 'join: first frame bytes', 1.0],
    ] as const
  ).map(([key, label, goal]) => ({ key, label: `${label}, netschema / Colyseus`, value: sratio(key), goal })),
];
const extra: [string, string, number][] = [
  ['bytes_ratio_quant_vs_colyseus_quant', 'bytes per client, netschema quantized / Colyseus quantized', ratio('netschema-quant', 'colyseus-quant', 'bytes_per_client')],
  ['encode_ratio_quant', 'server time per tick, netschema quantized / Colyseus quantized', ratio('netschema-quant', 'colyseus-quant', 'server_ms')],
  ['encode_ratio_quant_vs_colyseus_f32', 'server time per tick, netschema quantized / Colyseus f32', ratio('netschema-quant', 'colyseus-f32', 'server_ms')],
  ['decode_ratio_quant', 'client decode per frame, netschema quantized / Colyseus quantized', ratio('netschema-quant', 'colyseus-quant', 'decode_us_per_client')],
  ['writes_ratio_quant', 'field writes per tick, netschema quantized / Colyseus quantized', ratio('netschema-quant', 'colyseus-quant', 'writes_ms')],
  ['join_bytes_ratio_f32', 'join frame bytes, netschema f32 / Colyseus f32', ratio('netschema-f32', 'colyseus-f32', 'join_bytes_per_client')],
  // The lower bound: what the frames take at least, against the peer and against RoomCore.
  ['floor_encode_ratio', 'server time per tick, floor / Colyseus f32', ratio('floor-f32', 'colyseus-f32', 'server_ms')],
  ['netschema_vs_floor', 'server time per tick, netschema f32 / floor', ratio('netschema-f32', 'floor-f32', 'server_ms')],
];
// Every other scenario ratio (decode ratios, and any a scenario adds later) is reported, not a goal.
const SCENARIO_EXTRA_LABELS: Record<string, string> = {
  following_decode_ratio: 'following: client decode per frame',
  join_decode_ratio: 'join: first frame decode',
};
for (const [k, v] of scenarioRatios) if (!goals.some((g) => g.key === k)) extra.push([k, SCENARIO_EXTRA_LABELS[k] ?? k, v]);
console.log('');
console.log('goals (ratios of medians from this run; below 1 means netschema is smaller or faster):');
const labelWidth = Math.max(...goals.map((g) => g.label.length), ...extra.map(([, label]) => label.length));
for (const g of goals) {
  const met = Number.isNaN(g.value) ? 'not measured' : g.value <= g.goal ? 'met' : 'NOT met';
  console.log(`  ${g.label.padEnd(labelWidth)} ${fmt(g.value).padStart(7)}  goal <= ${g.goal}  ${met}`);
}
console.log('other ratios:');
for (const [, label, v] of extra) console.log(`  ${label.padEnd(labelWidth)} ${fmt(v).padStart(7)}`);
console.log('');
console.log(
  `verified: ${verified}${verified ? ` (every client of every system holds exactly its window, values within f32 / quantization${scenarioReports.length > 0 ? '; every scenario verified' : ''})` : ''}`,
);
for (const p of problems.slice(0, 10)) console.log(`  ${p}`);

const json: Record<string, unknown> = {
  bench: 'arena-rooms',
  compiler: import.meta.url.endsWith('.ts') ? 'tsx' : 'tsc',
  ...mach,
  entities: fx.options.entities,
  moved_per_tick: moved,
  clients,
  window: 2 * half,
  mean_window_entities: round4(geo.meanWindow),
  moved_in_view_per_client: round4(measured(geo.movedInView) / clients),
  runs,
  ticks,
  warmup,
  loadavg_before: round4(loadBefore),
  loadavg_after: round4(loadAfter),
  scenarios: selectedScenarios.map((s) => s.key).join(','),
  loadavg_after_scenarios: round4(loadAfterScenarios),
};
const KEY: Record<string, string> = { 'netschema-f32': 'f32', 'netschema-quant': 'quant', 'colyseus-f32': 'colyseus_f32', 'colyseus-quant': 'colyseus_quant', 'floor-f32': 'floor' };
for (const t of targets) for (const m of ROOM_METRICS) json[`${KEY[t.name]}_${m}`] = round4(sum[t.name]![m].median);
for (const g of goals) json[g.key] = Number.isNaN(g.value) ? null : round4(g.value);
json.bytes_ratio_quant_divides_by = 'colyseus_f32';
for (const [k, , v] of extra) json[k] = Number.isNaN(v) ? null : round4(v);
json.goals_met = Object.fromEntries(goals.map((g) => [g.key, Number.isNaN(g.value) ? null : g.value <= g.goal]));
json.verified = verified;
console.log(JSON.stringify(json));
process.exitCode = verified ? 0 : 1;
