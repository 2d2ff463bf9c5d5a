/**
 * The arena benchmark: 10,000 entities {x, y, angle: f32; hp: u8; name: string} in a 1000×1000
 * world, 1,000 moved per tick. netschema (f32 and quantized) against @colyseus/schema 5 (float32
 * and quantized) and JSON / MessagePack baselines, in one process, on the same deterministic
 * fixture.
 *
 *   tsx --conditions=source src/arena.ts [filter-regex] [--runs 7] [--ticks 300] [--warmup 50]
 *
 * See README.md. The last line printed is one JSON object with the key numbers.
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseBenchArgs } from './room-bench.js';
import { makeArena, type ArenaFixture } from './fixtures.js';
import { collectGarbage, fmt, ms, now, round4, summarize, type Summary } from './stats.js';
import { BaselineTarget } from './targets/baseline.js';
import { ColyseusTarget } from './targets/colyseus.js';
import { NetschemaTarget } from './targets/netschema.js';
import { buildPlain, hotPlain, writePlain } from './targets/plain.js';
import { HOT, type Target } from './targets/target.js';

/** Writes timed by the hot-loop test, per target and run. */
const HOT_WRITES = 1_000_000;

const HELP = `usage: arena [filter-regex] [options]

  filter-regex      run only the targets whose name matches (netschema-f32, netschema-quant,
                    colyseus-f32, colyseus-quant, json, msgpack); the plain-object write
                    baseline always runs
  --runs N          measured runs, each from a fresh state (default 7)
  --ticks N         measured ticks per run (default 300)
  --warmup N        unmeasured ticks at the start of every run (default 50)
  --full-reps N     full encodes and full decodes timed per run (default 5)
  --entities N      entities in the world (default 10000)
  --moved N         entities moved per tick (default 1000)
  --order O         write order of a tick's moved entities: sorted (default) or random
  --seed N          fixture seed (default 1)
  -h, --help        this text`;

// `pnpm bench -- x` passes the `--` through: drop it.
const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values: opts, positionals } = parseBenchArgs('arena', HELP, {
  args: argv,
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '7' },
    ticks: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '50' },
    'full-reps': { type: 'string', default: '5' },
    entities: { type: 'string', default: '10000' },
    moved: { type: 'string', default: '1000' },
    order: { type: 'string', default: 'sorted' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}

function int(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`arena: --${name} expects an integer of at least ${min}, got '${v}'\n\n${HELP}`);
    process.exit(2);
  }
  return n;
}
const runs = int('runs', opts.runs, 1);
const ticks = int('ticks', opts.ticks, 1);
const warmup = int('warmup', opts.warmup, 0);
const fullReps = int('full-reps', opts['full-reps'], 1);
const order = opts.order;
if (order !== 'sorted' && order !== 'random') {
  console.error(`arena: --order expects sorted or random, got '${order}'`);
  process.exit(2);
}
const filter = new RegExp(positionals[0] ?? '.');

const compiler = import.meta.url.endsWith('.ts') ? 'tsx (esbuild)' : 'tsc';

const fx = makeArena({
  entities: int('entities', opts.entities, 1),
  movedPerTick: int('moved', opts.moved, 1),
  worldSize: 1000,
  ticks: warmup + ticks,
  seed: int('seed', opts.seed, 0),
  order,
});
const moved = fx.ticks[0]!.idx.length;
const writesPerTick = moved * 3;

const targets: Target[] = [
  new NetschemaTarget('f32'),
  new NetschemaTarget('quant'),
  new ColyseusTarget('f32'),
  new ColyseusTarget('quant'),
  new BaselineTarget('json'),
  new BaselineTarget('msgpack'),
].filter(
  (t) => filter.test(t.name),
);
if (targets.length === 0) {
  console.error(`arena: no target matches /${filter.source}/`);
  process.exit(2);
}

// ── measurement ──

const METRICS = [
  'build_ms',
  'full_bytes',
  'full_encode_ms',
  'full_decode_ms',
  'patch_bytes',
  'patch_bytes_per_moved',
  'writes_ms',
  'write_ns',
  'patch_encode_ms',
  'commit_ms',
  'patch_decode_ms',
  'hot_write_ns',
] as const;
type Metric = (typeof METRICS)[number];
type Sample = Record<Metric, number>;

/** One run of one target: build, join (full state), then warm-up and measured ticks. */
function runTarget(t: Target, fx: ArenaFixture): { sample: Sample; problems: string[] } {
  collectGarbage();
  let a = now();
  t.build(fx);
  const buildMs = ms(a, now());

  let full: Uint8Array = new Uint8Array(0);
  let encSum = 0;
  for (let r = 0; r < fullReps; r++) {
    a = now();
    full = t.encodeFull();
    encSum += ms(a, now());
  }
  let decSum = 0;
  for (let r = 0; r < fullReps; r++) {
    t.newClient();
    collectGarbage();
    a = now();
    t.decodeFull(full);
    decSum += ms(a, now());
  }
  t.afterJoin();
  collectGarbage();

  let writeSum = 0;
  let encodeSum = 0;
  let commitSum = 0;
  let decodeSum = 0;
  let bytes = 0;
  for (let k = 0; k < fx.ticks.length; k++) {
    const m = fx.ticks[k]!;
    const t0 = now();
    t.write(m);
    const t1 = now();
    const patch = t.encodePatch();
    const t2 = now();
    t.commit();
    const t3 = now();
    t.decodePatch(patch);
    const t4 = now();
    if (k >= warmup) {
      writeSum += ms(t0, t1);
      encodeSum += ms(t1, t2);
      commitSum += ms(t2, t3);
      decodeSum += ms(t3, t4);
      bytes += patch.length;
    }
  }
  const problems = t.verify(fx.final);
  const hotNs = fx.options.entities >= HOT ? timeHot((rounds) => t.hotWrite(rounds)) : NaN;
  t.commit();
  t.dispose();
  const n = fx.ticks.length - warmup;
  return {
    sample: {
      build_ms: buildMs,
      full_bytes: full.length,
      full_encode_ms: encSum / fullReps,
      full_decode_ms: decSum / fullReps,
      patch_bytes: bytes / n,
      patch_bytes_per_moved: bytes / n / moved,
      writes_ms: writeSum / n,
      write_ns: (writeSum / n / writesPerTick) * 1e6,
      patch_encode_ms: encodeSum / n,
      commit_ms: commitSum / n,
      patch_decode_ms: decodeSum / n,
      hot_write_ns: hotNs,
    },
    problems,
  };
}

/** ns per write of the hot loop: HOT entities × 3 fields × rounds, about 1M writes, after a warm-up. */
function timeHot(write: (rounds: number) => void): number {
  const rounds = Math.ceil(HOT_WRITES / (HOT * 3));
  write(Math.ceil(rounds / 10));
  const a = now();
  write(rounds);
  return (ms(a, now()) * 1e6) / (rounds * HOT * 3);
}

/** The same writes on plain objects: the floor for the tracked writes. */
function runPlain(fx: ArenaFixture): { tick: number; hot: number } {
  collectGarbage();
  const es = buildPlain(fx);
  let sum = 0;
  for (let k = 0; k < fx.ticks.length; k++) {
    const t0 = now();
    writePlain(es, fx.ticks[k]!);
    const t1 = now();
    if (k >= warmup) sum += ms(t0, t1);
  }
  const hot = es.length >= HOT ? timeHot((rounds) => hotPlain(es, rounds)) : NaN;
  return { tick: sum / (fx.ticks.length - warmup), hot };
}

const started = now();
const loadBefore = loadavg()[0]!;
const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
const plain: number[] = [];
const plainHot: number[] = [];
const problems: string[] = [];

process.stderr.write(`arena: warm-up run, then ${runs} runs of ${targets.map((t) => t.name).join(', ')}\n`);
for (let run = -1; run < runs; run++) {
  // Rotate the order each run, so no target always follows the same one.
  const shift = run < 0 ? 0 : run % targets.length;
  const ordered = [...targets.slice(shift), ...targets.slice(0, shift)];
  for (const t of ordered) {
    const r = runTarget(t, fx);
    if (run >= 0) samples.get(t.name)!.push(r.sample);
    problems.push(...r.problems.map((p) => `run ${run + 1}: ${p}`));
  }
  const p = runPlain(fx);
  if (run >= 0) {
    plain.push(p.tick);
    plainHot.push(p.hot);
  }
  process.stderr.write(run < 0 ? 'arena: warm-up done\n' : `arena: run ${run + 1}/${runs} done\n`);
}
const verified = problems.length === 0;

// ── report ──

const sum: Record<string, Record<Metric, Summary>> = {};
for (const t of targets) {
  const rows = samples.get(t.name)!;
  sum[t.name] = Object.fromEntries(METRICS.map((m) => [m, summarize(rows.map((r) => r[m]))])) as Record<Metric, Summary>;
}
const plainWrites = summarize(plain);
const plainHotWrite = summarize(plainHot);

const LABELS: Record<Metric, string> = {
  build_ms: 'build server state (ms)',
  full_bytes: 'full state (bytes)',
  full_encode_ms: 'full encode (ms)',
  full_decode_ms: 'full decode, client (ms)',
  patch_bytes: 'patch per tick (bytes)',
  patch_bytes_per_moved: 'patch per moved entity (B)',
  writes_ms: `field writes, ${writesPerTick} per tick (ms)`,
  write_ns: 'per tracked write (ns)',
  patch_encode_ms: 'patch encode (ms)',
  commit_ms: 'commit / discardChanges (ms)',
  patch_decode_ms: 'patch decode, client (ms)',
  hot_write_ns: `per write, hot loop on ${HOT} entities (ns)`,
};
const EXACT: ReadonlySet<Metric> = new Set(['full_bytes', 'patch_bytes', 'patch_bytes_per_moved']);

const cell = (s: Summary, exact: boolean) => (exact || s.min === s.max ? fmt(s.median) : `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]`);
const header = ['metric (median [min–max] of runs)', ...targets.map((t) => t.name)];
const body: string[][] = METRICS.map((m) => [LABELS[m], ...targets.map((t) => cell(sum[t.name]![m], EXACT.has(m)))]);
body.push([`plain-object writes, ${writesPerTick} per tick (ms)`, ...targets.map(() => cell(plainWrites, false))]);
body.push(['plain-object write (ns)', ...targets.map(() => fmt((plainWrites.median / writesPerTick) * 1e6))]);
body.push(['plain-object write, hot loop (ns)', ...targets.map(() => cell(plainHotWrite, false))]);
const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');

console.log(
  `arena: ${fx.options.entities} entities, ${moved} moved per tick (${writesPerTick} writes, order ${order}), ` +
    `${ticks} measured ticks per run after ${warmup} warm-up ticks, ${runs} runs (+1 discarded), ${fullReps} full encodes/decodes per run`,
);
const loadAfter = loadavg()[0]!;
console.log(
  `compiled by ${compiler}; node ${process.version}; ${Math.round(ms(started, now()) / 100) / 10} s; ` +
    `1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (this bench keeps about 1 of ${availableParallelism()} cores busy)`,
);
console.log('');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of body) console.log(line(r));
console.log('');
for (const t of targets) console.log(`  ${t.name}: ${t.description}`);

const ratioPairs: [string, string][] = [
  ['netschema-f32', 'colyseus-f32'],
  ['netschema-quant', 'colyseus-quant'],
  ['netschema-quant', 'colyseus-f32'],
];
const RATIO_METRICS: Metric[] = ['full_bytes', 'full_encode_ms', 'full_decode_ms', 'patch_bytes_per_moved', 'patch_encode_ms', 'patch_decode_ms', 'writes_ms'];
const ratios: Record<string, number> = {};
for (const [a, b] of ratioPairs) {
  if (sum[a] === undefined || sum[b] === undefined) continue;
  console.log('');
  console.log(`ratios ${a} / ${b} (medians; below 1 means netschema is smaller or faster):`);
  for (const m of RATIO_METRICS) {
    const r = sum[a]![m].median / sum[b]![m].median;
    console.log(`  ${LABELS[m].padEnd(36)} ${fmt(r)}`);
    ratios[`ratio_${m}_${a.slice(10)}_vs_${b.replace('-', '_')}`] = round4(r);
  }
}
console.log('');
console.log(`verified: ${verified}`);
for (const p of problems.slice(0, 10)) console.log(`  ${p}`);

// The last line: one JSON object with the key numbers (medians).
const json: Record<string, unknown> = {
  bench: 'arena',
  compiler: compiler === 'tsc' ? 'tsc' : 'tsx',
  node: process.version,
  entities: fx.options.entities,
  moved_per_tick: moved,
  runs,
  ticks,
  loadavg_before: round4(loadBefore),
  loadavg_after: round4(loadAfter),
};
const KEY: Record<string, string> = {
  'netschema-f32': '_f32',
  'netschema-quant': '_quant',
  'colyseus-f32': 'colyseus_',
  'colyseus-quant': 'colyseus_quant_',
  json: 'json_',
  msgpack: 'msgpack_',
};
for (const t of targets) {
  const k = KEY[t.name]!;
  for (const m of METRICS) json[k.startsWith('_') ? `${m}${k}` : `${k}${m}`] = round4(sum[t.name]![m].median);
}
json.plain_writes_ms = round4(plainWrites.median);
json.plain_write_ns = round4((plainWrites.median / writesPerTick) * 1e6);
json.plain_hot_write_ns = round4(plainHotWrite.median);
Object.assign(json, ratios);
json.verified = verified;
console.log(JSON.stringify(json));
process.exitCode = verified ? 0 : 1;
