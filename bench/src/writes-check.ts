// What the development write checks (packages/runtime/src/tracking/write-check.ts) cost on the
// tracked-write hot path: the same class defined twice in one process, once with checks on and
// once with them off, written field by field in interleaved runs (A/B in one run), next to
// plain objects. Run under tsx (`pnpm --filter @netschema/bench bench:writes`) and tsc
// (`bench:writes:tsc`); see bench/README.md and BENCHMARKS.md.
import { f32, schema, setDevChecks, string, u8 } from '@netschema/runtime';
import { describeMachine, machine } from './machine.js';
import { collectGarbage, fmt, now, summarize } from './stats.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('runs', 9);
const WRITES = arg('writes', 10_000_000);
const OBJECTS = 1024;
const compiler = import.meta.url.endsWith('.ts') ? 'tsx' : 'tsc';

// Decorators run when a class is defined, so each class takes the switch as it is here.
setDevChecks(true);
@schema
class Checked {
  @f32 accessor x = 0;
  @u8 accessor hp = 0;
  @string accessor name = '';
}
setDevChecks(false);
@schema
class Unchecked {
  @f32 accessor x = 0;
  @u8 accessor hp = 0;
  @string accessor name = '';
}

interface Target {
  x: number;
  hp: number;
  name: string;
}

const NAMES = Array.from({ length: 256 }, (_, i) => `player-${i}`);

// One loop per (target, field), built from source so each has its own type feedback (closures
// from one function literal would share it and turn polymorphic across the targets).
type Loop = (objs: Target[], writes: number, names: string[]) => number;
function loop(field: 'x' | 'hp' | 'name'): Loop {
  const value = field === 'x' ? 'i * 0.5' : field === 'hp' ? 'i & 255' : 'names[i & 255]';
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- fresh feedback per target, see above
  return new Function('objs', 'writes', 'names', `
    const n = objs.length;
    let sum = 0;
    for (let i = 0; i < writes; i++) {
      const o = objs[i & ${OBJECTS - 1}];
      o.${field} = ${value};
    }
    for (let k = 0; k < n; k++) sum += objs[k].hp;
    return sum;
  `) as Loop;
}

const targets = {
  plain: () => Array.from({ length: OBJECTS }, () => ({ x: 0, hp: 0, name: '' })),
  unchecked: () => Array.from({ length: OBJECTS }, () => new Unchecked() as Target),
  checked: () => Array.from({ length: OBJECTS }, () => new Checked() as Target),
};
type Name = keyof typeof targets;
const FIELDS = ['x', 'hp', 'name'] as const;
const loops = new Map<string, Loop>();
for (const t of Object.keys(targets)) for (const f of FIELDS) loops.set(`${t}.${f}`, loop(f));
const objects = new Map<Name, Target[]>();
for (const t of Object.keys(targets) as Name[]) objects.set(t, targets[t]());

// The check must really be there: a refused write throws on `checked` only. (Turning checks off
// lets refused writes through on checked classes too, so turn them back on first.)
setDevChecks(true);
try {
  (objects.get('checked')![0] as { name: unknown }).name = undefined;
  throw new Error('writes-check: the checked class let undefined into a string field');
} catch (e) {
  if (!(e instanceof TypeError)) throw e;
}
(objects.get('unchecked')![0] as { name: unknown }).name = undefined;
objects.get('unchecked')![0]!.name = '';

const results = new Map<string, number[]>();
let sink = 0;
const order = Object.keys(targets) as Name[];
for (let run = -1; run < RUNS; run++) {
  // Rotate the order each run, so drift in the machine's speed falls on every target alike.
  const names = run < 0 ? order : order.map((_, i) => order[(i + run) % order.length]!);
  for (const t of names) {
    for (const f of FIELDS) {
      collectGarbage();
      const t0 = now();
      sink += loops.get(`${t}.${f}`)!(objects.get(t)!, run < 0 ? WRITES / 10 : WRITES, NAMES);
      const ns = Number(now() - t0) / WRITES;
      if (run < 0) continue; // warm-up
      const key = `${t}.${f}`;
      if (!results.has(key)) results.set(key, []);
      results.get(key)!.push(ns);
    }
  }
}

const m = machine();
console.log(`tracked-write cost, ${compiler}; ${describeMachine(m)}; ${RUNS} runs × ${WRITES.toLocaleString('en-US')} writes over ${OBJECTS} objects, ns per write, median [min–max]`);
const row = (label: string, key: string) => {
  const s = summarize(results.get(key)!);
  return `${label.padEnd(34)}${`${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]`.padStart(22)}`;
};
const out: Record<string, unknown> = { bench: 'writes-check', compiler, ...m, runs: RUNS, writes: WRITES, objects: OBJECTS };
for (const f of FIELDS) {
  const kind = f === 'x' ? '@f32 x = number' : f === 'hp' ? '@u8 hp = integer' : '@string name = string';
  console.log(`\n${kind}`);
  for (const t of order) console.log(row(t === 'plain' ? '  plain object' : t === 'checked' ? '  tracked, checks on' : '  tracked, checks off', `${t}.${f}`));
  const on = summarize(results.get(`checked.${f}`)!).median;
  const off = summarize(results.get(`unchecked.${f}`)!).median;
  // Paired per run: the difference within each run, where the machine's speed is the same.
  const diffs = results.get(`checked.${f}`)!.map((v, i) => v - results.get(`unchecked.${f}`)![i]!);
  const d = summarize(diffs);
  console.log(`  check cost (on − off, paired per run) ${fmt(d.median)} ns [${fmt(d.min)}–${fmt(d.max)}]`);
  for (const t of order) out[`${t}_${f}_ns`] = Math.round(summarize(results.get(`${t}.${f}`)!).median * 1000) / 1000;
  out[`check_${f}_ns`] = Math.round(d.median * 1000) / 1000;
  out[`ratio_${f}`] = Math.round((on / off) * 1000) / 1000;
}
console.log(JSON.stringify(out));
if (sink === -1) console.log('');
