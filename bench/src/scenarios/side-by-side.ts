/**
 * Shared pieces of the following and late-join scenarios (issue 15): the Colyseus room state with a `.view()` map of the arena entity, and the uniform grid of
 * entities a Colyseus game keeps to answer "which entities are in this window".
 */
import { Encoder, schema, t, type SchemaType } from '@colyseus/schema';
import { CEntity } from '../targets/colyseus.js';

// ── Colyseus ──

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
