import { CellOrders } from './axis-order.js';
import type { ViewShape } from './view.js';
import { VIEW_FIELDS, ViewEdges } from './view-edges.js';

/**
 * A uniform grid over 2D or 3D space. Cells hold the entities inside them and the clients whose
 * view (with its hysteresis margin) overlaps them, so a moving entity is checked only against
 * the clients that could see it, and a client's query touches only the cells around it.
 */

/** Cell coordinates are packed into one safe integer: 26 bits per axis in 2D, 17 in 3D. */
const OFF2 = 2 ** 25;
const OFF3 = 2 ** 16;

export { VIEW_FIELDS };

/**
 * Box views a cell needs before its moved entities look views up by their edges. Below, testing
 * each view is cheaper: in the arena's shape (11 views a cell on average) 16 was 1.5 % slower
 * than 32, with bench:load's crowded cells (about a hundred) even (BENCHMARKS.md).
 */
const EDGES_MIN_VIEWS = 32;
/** Moves a cell sees with unchanged views before it builds the edge index. */
const EDGES_AFTER_MOVES = 16;
/**
 * Changes to a cell's entities (adds, moves, removals) with no sweep reading its axis orders,
 * after which it stops keeping them: a cell no moving view reads pays nothing.
 */
const ORDERS_IDLE = 64;

export class GridCell<E, C> {
  readonly entities: E[] = [];
  readonly watchers: C[] = [];
  /** The watchers' client slots, index for index: the tick reads these, not the clients. */
  slots = new Int32Array(8);
  /**
   * The watchers' views (VIEW_FIELDS each), index for index: a moved entity is tested against
   * the views of its cell's watchers in one run of memory instead of one client row each.
   */
  views = new Float64Array(8 * VIEW_FIELDS);
  /** How many watchers' views are boxes (not NaN): with none, a moved entity's test skips `views`. */
  boxes = 0;
  /** The entities' table slots, index for index: a view's query reads these, not the records. */
  entitySlots = new Int32Array(8);
  /**
   * The entities' positions (x, y, z each), index for index: a moving view's sweep tests the
   * entities of a cell from here, one run of memory, instead of each entity's table row.
   */
  pos = new Float64Array(24);
  /** Its box views' edges sorted per axis (view-edges.ts), built once its watchers stay put. */
  edges: ViewEdges | null = null;
  /** Whether `edges` matches the watchers and their views. */
  edgesFresh = false;
  /** Entities moved in this cell since its watchers or their views last changed. */
  movesSinceChange = 0;
  /** Its cell coordinates (`SpatialGrid.coord`; z 0 in 2D). */
  cx = 0;
  cy = 0;
  cz = 0;
  /**
   * The cells around it that entities crossed to, at their `nearIndex` places, linked both ways
   * and unlinked when either is dropped: a crossing to one is found without the grid's map
   * (whose double keys each lookup boxes); null until the first crossing out.
   */
  near: (GridCell<E, C> | null)[] | null = null;
  /**
   * Its entities sorted by x and by y (axis-order.ts), kept while moving views read them
   * (`ordered`); null until first asked for, and in step only while `ordersKept`.
   */
  private orders: CellOrders | null = null;
  /** Whether `orders` is in step with the entities (dropped ones are rebuilt in place, not reallocated). */
  private ordersKept = false;
  /** Changes to its entities since a sweep last read the orders. */
  private unread = 0;
  constructor(
    /** Dense index among the grid's live cells (`SpatialGrid.byIndex`), for typed tables to refer to. */
    readonly index: number,
  ) {}

  /** Adds a watcher in client slot `slot`, with its view from `views` (VIEW_FIELDS per client slot). */
  watch(client: C, slot: number, views: Float64Array): void {
    const i = this.watchers.length;
    if (i === this.slots.length) {
      this.slots = doubled(this.slots);
      this.views = doubledF64(this.views);
    }
    this.slots[i] = slot;
    this.watchers.push(client);
    copyView(views, slot * VIEW_FIELDS, this.views, i * VIEW_FIELDS);
    if (!Number.isNaN(views[slot * VIEW_FIELDS])) this.boxes++;
    this.viewsChanged();
  }

  private viewsChanged(): void {
    this.edgesFresh = false;
    this.movesSinceChange = 0;
  }

  /**
   * Whether a moved entity should find the views it entered through the edge index: once the
   * cell has many box views and they stayed put while a few entities moved (building it costs
   * a sort; views that move every tick, like ones following a player, never get one).
   */
  useEdges(): boolean {
    if (this.edgesFresh) return true;
    if (this.boxes < EDGES_MIN_VIEWS || ++this.movesSinceChange < EDGES_AFTER_MOVES) return false;
    (this.edges ??= new ViewEdges()).build(this.views, this.watchers.length);
    this.edgesFresh = true;
    return true;
  }

  unwatch(client: C): void {
    const i = this.watchers.indexOf(client);
    if (i < 0) return;
    const last = this.watchers.length - 1;
    if (!Number.isNaN(this.views[i * VIEW_FIELDS])) this.boxes--;
    this.watchers[i] = this.watchers[last]!;
    this.slots[i] = this.slots[last]!;
    copyView(this.views, last * VIEW_FIELDS, this.views, i * VIEW_FIELDS);
    this.watchers.pop();
    this.viewsChanged();
  }

  /** The watcher in client slot `slot` changed its view: takes it from `views` again. */
  updateView(slot: number, views: Float64Array): void {
    for (let i = 0; i < this.watchers.length; i++) {
      if (this.slots[i] === slot) {
        this.boxes += +!Number.isNaN(views[slot * VIEW_FIELDS]) - +!Number.isNaN(this.views[i * VIEW_FIELDS]);
        copyView(views, slot * VIEW_FIELDS, this.views, i * VIEW_FIELDS);
        this.viewsChanged();
        return;
      }
    }
  }

  /**
   * `addEntity` at the position in `from` at `at` (x, y, z): a moved entity's crossing passes
   * its table row, not three doubles, which a call not inlined boxes each.
   */
  addEntityAt(entity: E, slot: number, from: Float64Array, at: number): number {
    return this.addEntity(entity, slot, from[at]!, from[at + 1]!, from[at + 2]!);
  }

  /** Adds an entity at a position; returns its index in the cell (until another leaves). */
  addEntity(entity: E, slot: number, x: number, y: number, z: number): number {
    const i = this.entities.length;
    if (i === this.entitySlots.length) {
      this.entitySlots = doubled(this.entitySlots);
      this.pos = doubledF64(this.pos);
    }
    this.entitySlots[i] = slot;
    this.entities.push(entity);
    const p = this.pos;
    p[i * 3] = x;
    p[i * 3 + 1] = y;
    p[i * 3 + 2] = z;
    if (this.ordersKept && this.kept()) {
      this.orders!.byX.add(i, x);
      this.orders!.byY.add(i, y);
    }
    return i;
  }

  /**
   * Notes where the entity at index `i` is now: (x, y, z) at `at` in `from` (a table row). Read
   * there, not passed: a call its caller does not inline boxes every double it is passed.
   */
  moveAt(i: number, from: Float64Array, at: number): void {
    const p = this.pos;
    const x = (p[i * 3] = from[at]!);
    const y = (p[i * 3 + 1] = from[at + 1]!);
    p[i * 3 + 2] = from[at + 2]!;
    if (this.ordersKept && this.kept()) {
      this.orders!.byX.move(i, x);
      this.orders!.byY.move(i, y);
    }
  }

  /** Removes the entity at index `i`; the last one takes its place: returns that one's table slot, or -1. */
  removeAt(i: number): number {
    const last = this.entities.length - 1;
    const moved = i === last ? -1 : this.entitySlots[last]!;
    if (this.ordersKept && this.kept()) {
      this.orders!.byX.remove(i, last);
      this.orders!.byY.remove(i, last);
    }
    if (moved >= 0) {
      this.entities[i] = this.entities[last]!;
      this.entitySlots[i] = moved;
      this.pos.copyWithin(i * 3, last * 3, last * 3 + 3);
    }
    this.entities.pop();
    return moved;
  }

  /**
   * Its entities sorted by x and by y, built when first asked for and kept in step from then
   * on, until ORDERS_IDLE changes pass with no one asking.
   */
  ordered(): CellOrders {
    this.unread = 0;
    const orders = (this.orders ??= new CellOrders());
    if (!this.ordersKept) {
      orders.build(this.pos, this.entities.length);
      this.ordersKept = true;
    }
    return orders;
  }

  /** Whether the cell keeps its entities sorted by axis (a moving view read it lately). */
  get keepsOrders(): boolean {
    return this.ordersKept;
  }

  /** Whether the axis orders are still worth keeping through one more change (else they are dropped). */
  private kept(): boolean {
    if (++this.unread <= ORDERS_IDLE) return true;
    this.ordersKept = false;
    return false;
  }
}

export class SpatialGrid<E, C> {
  readonly cells = new Map<number, GridCell<E, C>>();
  /** Live cells by their index; freed indices are reused. */
  readonly byIndex: (GridCell<E, C> | null)[] = [];
  private readonly freeIndex: number[] = [];
  readonly inv: number;
  private readonly lo: number;
  private readonly hi: number;

  constructor(
    readonly cellSize: number,
    readonly dimensions: 2 | 3,
  ) {
    if (!(cellSize > 0 && Number.isFinite(cellSize))) throw new RangeError(`grid cellSize: expected a positive number, got ${cellSize}`);
    if (dimensions !== 2 && dimensions !== 3) throw new RangeError(`grid dimensions: expected 2 or 3, got ${String(dimensions)}`);
    this.inv = 1 / cellSize;
    const off = dimensions === 2 ? OFF2 : OFF3;
    this.lo = -off;
    this.hi = off - 1;
  }

  /** The cell coordinate of a position on one axis, clamped to the grid's range. */
  coord(v: number): number {
    const c = Math.floor(v * this.inv);
    return c < this.lo ? this.lo : c > this.hi ? this.hi : c === c ? c : 0;
  }

  /**
   * The box of cells a view watches (its staying range), into `out`: x0, x1, y0, y1, z0, z1
   * (z 0 to 0 in 2D). It takes and returns no doubles: a call not inlined boxes each one.
   */
  watchBox(s: ViewShape, out: Int32Array): Int32Array {
    out[0] = this.coord(s.x - s.reach);
    out[1] = this.coord(s.x + s.reach);
    out[2] = this.coord(s.y - s.reach);
    out[3] = this.coord(s.y + s.reach);
    const flat = this.dimensions === 2;
    out[4] = flat ? 0 : this.coord(s.z - s.reachZ);
    out[5] = flat ? 0 : this.coord(s.z + s.reachZ);
    return out;
  }

  key(cx: number, cy: number, cz: number): number {
    return this.dimensions === 2 ? (cx + OFF2) * 2 ** 26 + (cy + OFF2) : ((cx + OFF3) * 2 ** 17 + (cy + OFF3)) * 2 ** 17 + (cz + OFF3);
  }

  keyAt(x: number, y: number, z: number): number {
    return this.key(this.coord(x), this.coord(y), this.dimensions === 2 ? 0 : this.coord(z));
  }

  /**
   * Whether the position at `at` in `from` (x, y, z) lies in the cell whose key is at `keyAt`
   * there: a moved entity's test on its table row. It takes and returns no doubles (a key is
   * above the small-integer range): a call its caller does not inline boxes each one.
   */
  inCell(from: Float64Array, at: number, keyAt: number): boolean {
    return this.keyAt(from[at]!, from[at + 1]!, from[at + 2]!) === from[keyAt];
  }

  /**
   * An entity's crossing out of `old` (which no longer holds it): the key of its position at
   * `at` in `from` (x, y, z) replaces the old one at `keyAt` there, `old` is dropped if nothing
   * is left in it, and the new cell is returned. A key is a double above the small-integer
   * range, boxed by every call not inlined and by every map lookup, so it stays in the row, and
   * a crossing to a neighbouring cell follows `old`'s link (`GridCell.near`): no garbage.
   */
  recell(old: GridCell<E, C>, from: Float64Array, at: number, keyAt: number): GridCell<E, C> {
    const cx = this.coord(from[at]!);
    const cy = this.coord(from[at + 1]!);
    const cz = this.dimensions === 2 ? 0 : this.coord(from[at + 2]!);
    const n = nearIndex(cx - old.cx, cy - old.cy, cz - old.cz);
    let c = n >= 0 && old.near !== null ? old.near[n]! : null;
    const empty = old.entities.length === 0 && old.watchers.length === 0;
    if (empty) this.drop(old, from[keyAt]!);
    from[keyAt] = this.key(cx, cy, cz);
    if (c === null) {
      c = this.cell(from[keyAt]!);
      if (n >= 0 && !empty) link(old, c, n);
    }
    return c;
  }

  cell(key: number): GridCell<E, C> {
    let c = this.cells.get(key);
    if (c === undefined) {
      const index = this.freeIndex.pop() ?? this.byIndex.length;
      c = new GridCell<E, C>(index);
      // Its coordinates back from the key (see `key`).
      if (this.dimensions === 2) {
        c.cx = Math.floor(key / 2 ** 26) - OFF2;
        c.cy = key - (c.cx + OFF2) * 2 ** 26 - OFF2;
      } else {
        const xy = Math.floor(key / 2 ** 17);
        c.cz = key - xy * 2 ** 17 - OFF3;
        c.cx = Math.floor(xy / 2 ** 17) - OFF3;
        c.cy = xy - (c.cx + OFF3) * 2 ** 17 - OFF3;
      }
      this.byIndex[index] = c;
      this.cells.set(key, c);
    }
    return c;
  }

  /** Drops a cell nobody uses any more, so a world that roams does not keep every cell it touched. */
  release(key: number): void {
    const c = this.cells.get(key);
    if (c !== undefined && c.entities.length === 0 && c.watchers.length === 0) this.drop(c, key);
  }

  /** Drops cell `c` (key `key`), empty, and its links to its neighbours. */
  private drop(c: GridCell<E, C>, key: number): void {
    const near = c.near;
    if (near !== null) {
      for (let i = 0; i < near.length; i++) {
        const d = near[i]!;
        if (d !== null) d.near![26 - i] = null;
      }
      c.near = null;
    }
    this.cells.delete(key);
    this.byIndex[c.index] = null;
    this.freeIndex.push(c.index);
  }

  /** Calls `fn` with the key of every cell overlapping the box [min, max] (z ignored in 2D). */
  forEachKey(minX: number, minY: number, minZ: number, maxX: number, maxY: number, maxZ: number, fn: (key: number) => void): void {
    const x0 = this.coord(minX);
    const x1 = this.coord(maxX);
    const y0 = this.coord(minY);
    const y1 = this.coord(maxY);
    const z0 = this.dimensions === 2 ? 0 : this.coord(minZ);
    const z1 = this.dimensions === 2 ? 0 : this.coord(maxZ);
    for (let cx = x0; cx <= x1; cx++) for (let cy = y0; cy <= y1; cy++) for (let cz = z0; cz <= z1; cz++) fn(this.key(cx, cy, cz));
  }
}

/** The place of the cell (dx, dy, dz) away in a cell's `near` (27 places), or -1 beyond its neighbours. */
function nearIndex(dx: number, dy: number, dz: number): number {
  if (dx < -1 || dx > 1 || dy < -1 || dy > 1 || dz < -1 || dz > 1) return -1;
  return dx + 1 + 3 * (dy + 1) + 9 * (dz + 1);
}

/** Links `a` to its neighbour `b` at place `n` of `a.near`, and `b` back to `a` at the opposite place. */
function link<E, C>(a: GridCell<E, C>, b: GridCell<E, C>, n: number): void {
  (a.near ??= new Array<GridCell<E, C> | null>(27).fill(null))[n] = b;
  (b.near ??= new Array<GridCell<E, C> | null>(27).fill(null))[26 - n] = a;
}

/** A typed array twice as long, with the same contents. */
export function doubled(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** `doubled` for doubles. */
function doubledF64(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function copyView(from: Float64Array, a: number, to: Float64Array, b: number): void {
  for (let k = 0; k < VIEW_FIELDS; k++) to[b + k] = from[a + k]!;
}

/** Removes `item` from `list` by swapping the last element in (order does not matter here). */
export function swapRemove<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  list[i] = list[list.length - 1]!;
  list.pop();
  return true;
}
