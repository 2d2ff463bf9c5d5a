/**
 * The run loop of every issue-15 scenario: one discarded warm-up run, then `runs` runs
 * of both systems, interleaved, the first system alternating from run to run, a full GC before
 * each system's run. Each run returns one sample (a number per metric) and its verification
 * problems; the report takes the medians (min and max) over the measured runs.
 */
import type { Decoder, Encoder, StateView } from '@colyseus/schema';
import { collectGarbage, summarize, type Summary } from '../stats.js';
import type { ScenarioMetric } from './scenario.js';

export interface SystemRun<K extends string> {
  sample: Record<K, number>;
  problems: string[];
}

export interface Paired<K extends string> {
  netschema: Record<K, Summary>;
  colyseus: Record<K, Summary>;
  problems: string[];
  /** `label` of `key` for both systems, as a report row. */
  metric(key: K, label: string, exact?: boolean): ScenarioMetric;
  /** netschema median / Colyseus median of `key`. */
  ratio(key: K): number;
}

export function runPaired<K extends string>(
  scenario: string,
  runs: number,
  keys: readonly K[],
  netschema: () => SystemRun<K>,
  colyseus: () => SystemRun<K>,
): Paired<K> {
  const rows: Record<'netschema' | 'colyseus', Record<K, number>[]> = { netschema: [], colyseus: [] };
  const problems: string[] = [];
  const systems = [
    ['netschema', netschema],
    ['colyseus', colyseus],
  ] as const;
  for (let run = -1; run < runs; run++) {
    const order = (run + 1) % 2 === 0 ? systems : [systems[1], systems[0]];
    for (const [name, go] of order) {
      collectGarbage();
      const r = go();
      if (run >= 0) rows[name].push(r.sample);
      for (const p of r.problems) if (problems.length < 20) problems.push(`${scenario} ${run < 0 ? 'warm-up run' : `run ${run + 1}`} ${name}: ${p}`);
    }
    process.stderr.write(`${scenario}: ${run < 0 ? 'warm-up run' : `run ${run + 1}/${runs}`} done\n`);
  }
  const sum = (rs: Record<K, number>[]) => Object.fromEntries(keys.map((k) => [k, summarize(rs.map((r) => r[k]))])) as Record<K, Summary>;
  const ns = sum(rows.netschema);
  const cs = sum(rows.colyseus);
  return {
    netschema: ns,
    colyseus: cs,
    problems,
    metric: (key, label, exact) => ({ label, netschema: ns[key], colyseus: cs[key], ...(exact ? { exact } : {}) }),
    ratio: (key) => ns[key].median / cs[key].median,
  };
}

/** Median of a list of per-event values (one run's joins, say). */
export const medianOf = (v: readonly number[]): number => summarize(v).median;

/** `count` distinct indices from [0, n), ascending, drawn with `rand` (partial Fisher–Yates over `perm`, which it shuffles in place). */
export function drawDistinct(rand: () => number, perm: Int32Array, count: number): Int32Array {
  const n = perm.length;
  for (let k = 0; k < count; k++) {
    const j = k + Math.floor(rand() * (n - k));
    const t = perm[k]!;
    perm[k] = perm[j]!;
    perm[j] = t;
  }
  return perm.slice(0, count).sort();
}

/** The message type byte Colyseus's Room puts before a state patch (`Protocol.ROOM_STATE_PATCH`), and before a full state. */
export const COLYSEUS_ROOM_STATE = 14;
export const COLYSEUS_ROOM_STATE_PATCH = 15;

/**
 * One patch round as Colyseus's `Room.applyPatches` sends it: when the state changed, the shared
 * part once and `encodeView` for every client; when only views changed, `encodeView` for those.
 * `keep(c, frame)` gets each frame sent (a fresh array), the ROOM_STATE_PATCH byte first.
 */
export function colyseusPatches(encoder: Encoder, views: readonly StateView[], keep: (c: number, frame: Uint8Array) => void): void {
  if (!encoder.hasChanges) {
    for (let c = 0; c < views.length; c++) {
      if (views[c]!.changes.size > 0) {
        encoder.sharedBuffer[0] = COLYSEUS_ROOM_STATE_PATCH;
        keep(c, encoder.encodeView(views[c]!, 1, { offset: 1 }));
      }
    }
    return;
  }
  const it = { offset: 1 };
  encoder.sharedBuffer[0] = COLYSEUS_ROOM_STATE_PATCH;
  encoder.encode(it);
  const shared = it.offset;
  for (let c = 0; c < views.length; c++) keep(c, encoder.encodeView(views[c]!, shared, it));
  encoder.discardChanges();
}

/** Each kept frame decoded by its client's Decoder (past the message type byte), then dropped. */
export function decodeKept(kept: (Uint8Array | null)[], decoders: readonly Decoder[]): void {
  for (let c = 0; c < kept.length; c++) {
    const f = kept[c];
    if (f) {
      decoders[c]!.decode(f, { offset: 1 });
      kept[c] = null;
    }
  }
}
