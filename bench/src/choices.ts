// Measures the hand-written pieces of the runtime against what the platform already offers, so
// each keeps its place by a number rather than by habit (issue 12). A and B run interleaved in
// rounds, medians reported. Run: pnpm --filter @netschema/bench bench:choices
import { EntryMap } from '../../packages/runtime/src/room/entry-map.js';
import type { ViewEntry } from '../../packages/runtime/src/room/records.js';
import { utf8Read, utf8Write } from '../../packages/runtime/src/wire/utf8.js';
import { describeMachine, machine } from './machine.js';
import { collectGarbage, fmt, ms, now, summarize } from './stats.js';

const ROUNDS = 9;

interface Target {
  name: string;
  run: () => number;
}

/** Runs each target once per round, interleaved, and returns ns per operation medians. */
function race(title: string, ops: number, targets: Target[]): void {
  const times = targets.map(() => [] as number[]);
  let sink = 0;
  for (let r = 0; r < ROUNDS + 1; r++) {
    targets.forEach((t, i) => {
      collectGarbage();
      const a = now();
      sink += t.run();
      const b = now();
      if (r > 0) times[i]!.push((ms(a, b) * 1e6) / ops); // round 0 warms up
    });
  }
  console.log(`\n${title}`);
  const base = summarize(times[0]!).median;
  targets.forEach((t, i) => {
    const s = summarize(times[i]!);
    console.log(`  ${t.name.padEnd(44)} ${fmt(s.median).padStart(7)} ns/op  (min ${fmt(s.min)}, max ${fmt(s.max)})  ×${(s.median / base).toFixed(2)}`);
  });
  if (sink === 0.5) console.log(sink); // keeps the work observable
}

// --- UTF-8: short names, as game state holds them ---------------------------------------------
const names = Array.from({ length: 1024 }, (_, i) => (i % 7 === 0 ? `Jörg-${i}` : `player_${i}`));
const buf = new Uint8Array(64 * 1024);
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const STR_OPS = 200 * names.length;
race('UTF-8 write, 1,024 short names (8-10 chars, 1 in 7 non-ASCII)', STR_OPS, [
  {
    name: 'utf8Write (hand-written, runtime)',
    run: () => {
      let pos = 0;
      for (let k = 0; k < 200; k++) {
        pos = 0;
        for (const s of names) pos = utf8Write(s, buf, pos);
      }
      return pos;
    },
  },
  {
    name: 'TextEncoder.encodeInto(s, buf.subarray(pos))',
    run: () => {
      let pos = 0;
      for (let k = 0; k < 200; k++) {
        pos = 0;
        for (const s of names) pos += encoder.encodeInto(s, buf.subarray(pos)).written;
      }
      return pos;
    },
  },
]);
const lens: number[] = [];
{
  let pos = 0;
  for (const s of names) {
    const end = utf8Write(s, buf, pos);
    lens.push(end - pos);
    pos = end;
  }
}
race('UTF-8 read, the same names', STR_OPS, [
  {
    name: 'utf8Read (hand-written, runtime)',
    run: () => {
      let n = 0;
      for (let k = 0; k < 200; k++) {
        let pos = 0;
        for (const len of lens) {
          n += utf8Read(buf, pos, len)!.length;
          pos += len;
        }
      }
      return n;
    },
  },
  {
    name: 'TextDecoder.decode(buf.subarray(pos, end))',
    run: () => {
      let n = 0;
      for (let k = 0; k < 200; k++) {
        let pos = 0;
        for (const len of lens) {
          n += decoder.decode(buf.subarray(pos, pos + len)).length;
          pos += len;
        }
      }
      return n;
    },
  },
]);

// --- A view's entries: 500 in view, 10% leaving and entering each tick, every entry looked up --
const VIEW = 500;
const TICKS = 2000;
const entries = Array.from({ length: VIEW * 4 }, (_, i) => ({ id: i + 1 }) as unknown as ViewEntry);
function churnOrder(): Int32Array {
  // The same pseudo-random churn for both targets.
  const order = new Int32Array(TICKS * 50);
  let x = 12345;
  for (let i = 0; i < order.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    order[i] = x % (VIEW * 4);
  }
  return order;
}
const order = churnOrder();
const VIEW_OPS = TICKS * (50 * 2 + VIEW * 2);
race(`A view's entries: ${VIEW} entries, 50 leave and 50 enter per tick, ${VIEW} lookups and a walk over all per tick`, VIEW_OPS, [
  {
    name: 'EntryMap (hand-written open addressing)',
    run: () => {
      const m = new EntryMap();
      for (let i = 0; i < VIEW; i++) m.set(i + 1, entries[i]!);
      let hits = 0;
      for (let t = 0; t < TICKS; t++) {
        for (let j = 0; j < 50; j++) m.delete(order[t * 50 + j]! + 1);
        for (let j = 0; j < 50; j++) {
          const k = order[(t * 50 + j + 25) % order.length]!;
          m.set(k + 1, entries[k]!);
        }
        for (let id = 1; id <= VIEW; id++) if (m.get(id) !== undefined) hits++;
        // The tick's walk over every entry, reading the slot kept beside each key.
        for (let i = 0, cap = m.capacity; i < cap; i++) if (m.usedAt(i)) hits += m.slotAt(i);
      }
      return hits;
    },
  },
  {
    name: 'Map<number, ViewEntry>',
    run: () => {
      const m = new Map<number, ViewEntry>();
      for (let i = 0; i < VIEW; i++) m.set(i + 1, entries[i]!);
      let hits = 0;
      for (let t = 0; t < TICKS; t++) {
        for (let j = 0; j < 50; j++) m.delete(order[t * 50 + j]! + 1);
        for (let j = 0; j < 50; j++) {
          const k = order[(t * 50 + j + 25) % order.length]!;
          m.set(k + 1, entries[k]!);
        }
        for (let id = 1; id <= VIEW; id++) if (m.get(id) !== undefined) hits++;
        for (const e of m.values()) hits += (e as unknown as { id: number }).id;
      }
      return hits;
    },
  },
]);

console.log(`\n${describeMachine(machine())}`);
