/**
 * Shared pieces of the following and late-join scenarios (issue 15): the interleaved run loop,
 * the Colyseus room state with a `.view()` map of the arena entity, and the uniform grid of
 * entities a Colyseus game keeps to answer "which entities are in this window".
 */
import { Encoder, schema, t, type SchemaType } from '@colyseus/schema';
import { collectGarbage, summarize, type Summary } from '../stats.js';
import { CEntity } from '../targets/colyseus.js';
import type { ScenarioMetric } from './scenario.js';

// ── the run loop ──

export interface SystemSample<K extends string> {
  sample: Record<K, number>;
  problems: string[];
}

export interface Interleaved<K extends string> {
  problems: string[];
  metric(key: K, label: string, exact?: boolean): ScenarioMetric;
  /** netschema median / Colyseus median. */
  ratio(key: K): number;
}

/**
 * One discarded warm-up run of both systems, then `runs` runs, the system that goes first
 * alternating from run to run, a full GC before each system's run. Medians (min, max) per key.
 */
export function interleave<K extends string>(
  label: string,
  runs: number,
  keys: readonly K[],
  netschema: () => SystemSample<K>,
  colyseus: () => SystemSample<K>,
): Interleaved<K> {
  const rows = { netschema: [] as Record<K, number>[], colyseus: [] as Record<K, number>[] };
  const problems: string[] = [];
  const both = [
    ['netschema', netschema],
    ['colyseus', colyseus],
  ] as const;
  for (let run = -1; run < runs; run++) {
    const order = (run + 1) % 2 === 0 ? both : ([both[1], both[0]] as const);
    for (const [name, go] of order) {
      collectGarbage();
      const r = go();
      if (run >= 0) rows[name].push(r.sample);
      for (const p of r.problems) if (problems.length < 20) problems.push(`${label} ${run < 0 ? 'warm-up run' : `run ${run + 1}`} ${name}: ${p}`);
    }
    process.stderr.write(`${label}: ${run < 0 ? 'warm-up run' : `run ${run + 1}/${runs}`} done\n`);
  }
  const sum = (rs: Record<K, number>[]) => Object.fromEntries(keys.map((k) => [k, summarize(rs.map((r) => r[k]))])) as Record<K, Summary>;
  const ns = sum(rows.netschema);
  const cs = sum(rows.colyseus);
  return {
    problems,
    metric: (key, text, exact) => ({ label: text, netschema: ns[key], colyseus: cs[key], ...(exact ? { exact } : {}) }),
    ratio: (key) => ns[key].median / cs[key].median,
  };
}

/** Median of a list of per-event values (one run's joins, say). */
export const medianOf = (v: readonly number[]): number => summarize(v).median;

// ── Colyseus ──

/** `Protocol.ROOM_STATE` and `Protocol.ROOM_STATE_PATCH`: the byte Colyseus's SchemaSerializer puts before a full state and a patch. */
export const ROOM_STATE = 14;
export const ROOM_STATE_PATCH = 15;

// The room state of both scenarios: the arena entity (colyseus.ts) in a map tagged `.view()`, so
// an entity reaches only the StateViews it was added to.
export const CScenarioState = schema({ entities: t.map(CEntity).view() }, 'ScenarioViewState');
export type CScenarioState = SchemaType<typeof CScenarioState>;

// Every view's patch goes after the previous one in the encoder's shared buffer (and the initial
// join's full states too): room for all of them without the grow-and-warn path.
if (Encoder.BUFFER_SIZE < 1 << 23) Encoder.BUFFER_SIZE = 1 << 23;

/**
 * A uniform grid of entities over the world (what a Colyseus game would keep for its own
 * interest queries): each cell lists the entities whose position is in it. `cells` and `coord`
 * are public so the callers' loops read them directly.
 */
export class EntityGrid {
  readonly side: number;
  readonly cells: number[][];
  private readonly cellOf: Int32Array;
  private readonly slot: Int32Array;

  constructor(
    world: number,
    readonly cell: number,
    x: ArrayLike<number>,
    y: ArrayLike<number>,
  ) {
    this.side = Math.ceil(world / cell) + 1;
    this.cells = Array.from({ length: this.side * this.side }, () => []);
    this.cellOf = new Int32Array(x.length);
    this.slot = new Int32Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const k = this.coord(x[i]!) * this.side + this.coord(y[i]!);
      const list = this.cells[k]!;
      this.cellOf[i] = k;
      this.slot[i] = list.length;
      list.push(i);
    }
  }

  coord(v: number): number {
    const c = Math.floor(v / this.cell);
    return c < 0 ? 0 : c >= this.side ? this.side - 1 : c;
  }

  /** Entity `i` is now at (x, y): moves it to its new cell if it changed. */
  move(i: number, x: number, y: number): void {
    const k = this.coord(x) * this.side + this.coord(y);
    const old = this.cellOf[i]!;
    if (k === old) return;
    const from = this.cells[old]!;
    const s = this.slot[i]!;
    const last = from.pop()!;
    if (last !== i) {
      from[s] = last;
      this.slot[last] = s;
    }
    const to = this.cells[k]!;
    this.cellOf[i] = k;
    this.slot[i] = to.length;
    to.push(i);
  }
}

/** Removes the first `v` from `list` by swapping the last element into its place. */
export function swapOut(list: number[], v: number): void {
  const j = list.indexOf(v);
  if (j < 0) return;
  const last = list.pop()!;
  if (j < list.length) list[j] = last;
}
