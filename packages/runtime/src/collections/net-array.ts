import { adopt, isTracked, release, type Tracked } from '../tracking/tracked.js';
import { TrackedCollection } from './tracked-collection.js';

/** Element operations in an array patch. */
export const ARRAY_OP_SET = 1;
export const ARRAY_OP_PATCH = 2;

/**
 * An array whose changes netschema tracks: element sets, pushes and pops travel as index
 * operations; inserting or removing in the middle resends the elements from there on.
 * Read with `get(i)`, `length` and iteration; write with `set(i, v)`, `push`, `pop`, `splice`.
 */
export class NetArray<T> extends TrackedCollection implements Iterable<T> {
  private items: T[];
  /** Every index from here on changed this tick (structural edits). */
  private dirtyFrom = Infinity;
  /** Single elements changed this tick, below `dirtyFrom`: index → ARRAY_OP_*. */
  private ops = new Map<number, number>();
  private scratch: number[] = [];

  constructor(items: Iterable<T> = []) {
    super();
    this.items = [];
    for (const v of items) this.push(v);
  }

  get length(): number {
    return this.items.length;
  }

  get(i: number): T | undefined {
    return this.items[i];
  }

  set(i: number, v: T): void {
    if (!(Number.isInteger(i) && i >= 0 && i <= this.items.length)) {
      throw new RangeError(`NetArray.set: index ${i} is outside 0..${this.items.length}`);
    }
    const old = this.items[i];
    if (old === v && i < this.items.length) return;
    if (isTracked(v)) adopt(v, this, i, () => `NetArray[${i}]`);
    if (old !== undefined && isTracked(old)) release(old);
    this.items[i] = v;
    this.touch(i, ARRAY_OP_SET);
  }

  push(...vs: T[]): number {
    for (const v of vs) this.set(this.items.length, v);
    return this.items.length;
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const v = items.pop()!;
    if (isTracked(v)) release(v);
    this.ops.delete(items.length);
    this.changed();
    return v;
  }

  /** Removes `deleteCount` elements at `start` and inserts `insert`; later elements are resent. */
  splice(start: number, deleteCount = this.items.length - start, ...insert: T[]): T[] {
    const items = this.items;
    start = Math.max(0, Math.min(start, items.length));
    for (const v of insert) if (isTracked(v)) adopt(v, this, 0, () => `NetArray[${start}]`);
    const removed = items.splice(start, deleteCount, ...insert);
    for (const v of removed) if (isTracked(v)) release(v);
    for (let i = start; i < items.length; i++) {
      const v = items[i];
      if (isTracked(v)) v.$pk = i;
    }
    if (removed.length !== insert.length || insert.length > 0) {
      if (removed.length === insert.length) {
        for (let i = start; i < start + insert.length; i++) this.touch(i, ARRAY_OP_SET);
      } else {
        this.markFrom(start);
      }
    }
    return removed;
  }

  shift(): T | undefined {
    return this.splice(0, 1)[0];
  }

  unshift(...vs: T[]): number {
    this.splice(0, 0, ...vs);
    return this.items.length;
  }

  clear(): void {
    if (this.items.length > 0) this.splice(0);
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }

  forEach(fn: (v: T, i: number) => void): void {
    this.items.forEach((v, i) => fn(v, i));
  }

  map<U>(fn: (v: T, i: number) => U): U[] {
    return this.items.map((v, i) => fn(v, i));
  }

  indexOf(v: T): number {
    return this.items.indexOf(v);
  }

  includes(v: T): boolean {
    return this.items.includes(v);
  }

  /** A plain copy of the elements. */
  toArray(): T[] {
    return this.items.slice();
  }

  toJSON(): T[] {
    return this.items;
  }

  private touch(i: number, op: number): void {
    if (i < this.dirtyFrom && this.ops.get(i) !== ARRAY_OP_SET) this.ops.set(i, op);
    this.changed();
  }

  private markFrom(i: number): void {
    if (i < this.dirtyFrom) this.dirtyFrom = i;
    this.changed();
  }


  override $childChanged(key: number | string): void {
    this.touch(key as number, ARRAY_OP_PATCH);
  }

  override $clear(): void {
    this.dirtyFrom = Infinity;
    this.ops.clear();
  }

  override $children(fn: (child: Tracked) => void): void {
    for (const v of this.items) if (isTracked(v)) fn(v);
  }

  /**
   * Indices to send in this tick's patch, ascending (a reused array: read it before the next
   * call). Used by generated encoders.
   */
  $patchIndices(): number[] {
    const out = this.scratch;
    out.length = 0;
    const len = this.items.length;
    const from = Math.min(this.dirtyFrom, len);
    for (const i of this.ops.keys()) if (i < from) out.push(i);
    out.sort((a, b) => a - b);
    for (let i = from; i < len; i++) out.push(i);
    return out;
  }

  /** The operation for index `i` in this tick's patch. */
  $opAt(i: number): number {
    return i >= this.dirtyFrom ? ARRAY_OP_SET : (this.ops.get(i) ?? ARRAY_OP_SET);
  }

  /** Raw elements for generated encoders (no copy). */
  $items(): readonly T[] {
    return this.items;
  }
}
