import { adopt, isTracked, release, type Tracked } from '../tracking/tracked.js';
import { TrackedCollection } from './tracked-collection.js';

/** Key operations in a map patch (the wire values). */
export const MAP_OP_DELETE = 0;
export const MAP_OP_SET = 1;
export const MAP_OP_PATCH = 2;
export const MAP_OP_CLEAR = 3;
/** Deleted and set again in one tick: the key moves to the end, as it did on the server. */
export const MAP_OP_READD = 4;

/**
 * A Map whose changes netschema tracks: each patch carries only the keys set, deleted or
 * changed inside, in the order the server's Map iterates.
 */
export class NetMap<K extends string | number, V> extends TrackedCollection implements Iterable<[K, V]> {
  private entries_ = new Map<K, V>();
  private ops = new Map<K, number>();
  private cleared = false;

  constructor(entries: Iterable<readonly [K, V]> = []) {
    super();
    for (const [k, v] of entries) this.set(k, v);
  }

  get size(): number {
    return this.entries_.size;
  }

  get(k: K): V | undefined {
    return this.entries_.get(k);
  }

  has(k: K): boolean {
    return this.entries_.has(k);
  }

  set(k: K, v: V): this {
    if (typeof k === 'number' ? !Number.isSafeInteger(k) : typeof k !== 'string') {
      throw new TypeError(`NetMap.set: keys must be strings or safe integers, got ${String(k)}`);
    }
    const had = this.entries_.has(k);
    const old = this.entries_.get(k);
    if (had && old === v) return this;
    if (isTracked(v)) adopt(v, this, k, () => `NetMap[${JSON.stringify(k)}]`);
    if (had && isTracked(old)) release(old);
    this.entries_.set(k, v);
    const prev = this.ops.get(k);
    if (prev === MAP_OP_DELETE) {
      // The key went to the end of the server's Map: move its op last so the client's order matches.
      this.ops.delete(k);
      this.ops.set(k, MAP_OP_READD);
    } else if (prev === MAP_OP_READD) {
      // Already re-added this tick and still present: a new value, same place.
    } else if (prev === undefined || !had) {
      this.ops.set(k, MAP_OP_SET);
    } else {
      this.ops.set(k, prev === MAP_OP_PATCH ? MAP_OP_SET : prev);
    }
    this.changed();
    return this;
  }

  delete(k: K): boolean {
    if (!this.entries_.has(k)) return false;
    const old = this.entries_.get(k);
    this.entries_.delete(k);
    if (isTracked(old)) release(old);
    // A key that did not exist on the client before this tick needs no delete.
    const prev = this.ops.get(k);
    if (this.cleared && prev !== undefined && prev !== MAP_OP_PATCH) this.ops.delete(k);
    else this.ops.set(k, MAP_OP_DELETE);
    this.changed();
    return true;
  }

  clear(): void {
    if (this.entries_.size === 0 && !this.ops.size) return;
    for (const v of this.entries_.values()) if (isTracked(v)) release(v);
    this.entries_.clear();
    this.ops.clear();
    this.cleared = true;
    this.changed();
  }

  keys(): IterableIterator<K> {
    return this.entries_.keys();
  }
  values(): IterableIterator<V> {
    return this.entries_.values();
  }
  entries(): IterableIterator<[K, V]> {
    return this.entries_.entries();
  }
  [Symbol.iterator](): Iterator<[K, V]> {
    return this.entries_[Symbol.iterator]();
  }
  forEach(fn: (v: V, k: K) => void): void {
    this.entries_.forEach((v, k) => fn(v, k));
  }

  toJSON(): Record<string, V> {
    return Object.fromEntries(this.entries_) as Record<string, V>;
  }


  override $childChanged(key: number | string): void {
    if (!this.ops.has(key as K)) this.ops.set(key as K, MAP_OP_PATCH);
    this.changed();
  }

  override $clear(): void {
    this.ops.clear();
    this.cleared = false;
  }

  override $children(fn: (child: Tracked) => void): void {
    for (const v of this.entries_.values()) if (isTracked(v)) fn(v);
  }

  /** Whether this tick's patch starts with a clear. Used by generated encoders. */
  $wasCleared(): boolean {
    return this.cleared;
  }

  /** This tick's key operations, in the order they must be applied. Used by generated encoders. */
  $ops(): ReadonlyMap<K, number> {
    return this.ops;
  }

  /** Raw entries for generated encoders (no copy). */
  $map(): ReadonlyMap<K, V> {
    return this.entries_;
  }
}
