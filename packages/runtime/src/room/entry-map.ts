
/**
 * Values by numeric id (a client's view entries by entity id): an open-addressing hash table
 * over one typed array of buckets, each an id and, beside it, a table slot and a tag.
 * A few values given up front (`inline`: the room's lite holds) are kept as the tag alone, so
 * an operation on one reads and writes the bucket's cache line and nothing else: entering,
 * sending whole and leaving a lite hold touched three arrays before (keys, slots, values),
 * a cache miss each in a table of hundreds per client.
 * Entities enter and leave views every tick; a `Map` pays a rehash for the holes deletions leave
 * and a few scattered allocations per entry, this pays a probe or two in contiguous memory.
 * Iterating returns a snapshot, so callers may remove entries while they walk.
 *
 * Kept by measurement (docs/architecture.md, "Built here or borrowed"): a `Map` index over dense
 * arrays made `bench:arena`'s tick 8% slower and `bench:follow`'s 16%, though a bare
 * micro-benchmark of the operations (`bench:choices`) favours `Map`.
 */
export class EntryMap<V> {
  /** Per bucket: the id (0 when empty; ids start at 1), then slot × 4 + tag (see `inline`). */
  private cells: Float64Array;
  /** Values not kept inline, by bucket; undefined in every other bucket. */
  private vals: (V | undefined)[];
  private mask: number;
  size = 0;

  /**
   * `inline`: up to three values kept as a bucket's tag (1, 2, 3: the first, second, third),
   * compared by identity; tag 0 means the value is in `vals`.
   */
  constructor(
    capacity = 16,
    private readonly inline: readonly V[] = [],
  ) {
    if (inline.length > 3) throw new RangeError(`EntryMap: at most 3 inline values, got ${inline.length}`);
    this.cells = new Float64Array(capacity * 2);
    this.vals = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
  }

  private home(id: number): number {
    return (Math.imul(id, 0x9e3779b1) >>> 0) & this.mask;
  }

  private find(id: number): number {
    const cells = this.cells;
    let i = this.home(id);
    for (;;) {
      const k = cells[i * 2]!;
      if (k === id) return i;
      if (k === 0) return -1;
      i = (i + 1) & this.mask;
    }
  }

  /** The tag `value` is kept as: 1.. for an inline value, 0 for one kept in `vals`. */
  private tagOf(value: V): number {
    const inline = this.inline;
    for (let t = 0; t < inline.length; t++) if (inline[t] === value) return t + 1;
    return 0;
  }

  /** The value in bucket `i`. */
  private valueIn(i: number): V | undefined {
    const tag = this.cells[i * 2 + 1]! & 3;
    return tag === 0 ? this.vals[i] : this.inline[tag - 1];
  }

  /** Puts `value` and `slot` in bucket `i`, keeping `vals` empty where the value is inline. */
  private put(i: number, value: V, slot: number): void {
    const tag = this.tagOf(value);
    const at = i * 2 + 1;
    if (tag === 0) this.vals[i] = value;
    else if ((this.cells[at]! & 3) === 0 && this.cells[i * 2] !== 0) this.vals[i] = undefined;
    this.cells[at] = slot * 4 + tag;
  }

  /**
   * Reads `id`'s home bucket and returns what it read, changing nothing: a caller about to look up
   * many ids in many maps reads each first in a loop of its own, so the cache misses overlap.
   */
  touch(id: number): number {
    return this.cells[this.home(id) * 2]!;
  }

  get(id: number): V | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : this.valueIn(i);
  }

  /** The entity slot stored with `id`'s entry, or -1 when there is none. */
  slotOf(id: number): number {
    const i = this.find(id);
    return i < 0 ? -1 : this.cells[i * 2 + 1]! >> 2;
  }

  /** Replaces `id`'s value with `to` if it is `from`; returns whether it did. One probe for a check and a set. */
  swap(id: number, from: V, to: V): boolean {
    const i = this.find(id);
    if (i < 0 || this.valueIn(i) !== from) return false;
    this.put(i, to, this.cells[i * 2 + 1]! >> 2);
    return true;
  }

  has(id: number): boolean {
    return this.find(id) >= 0;
  }

  /** Adds or replaces the entry for `id`; `slot` is the entity's table slot, read back by `slotAt`. */
  set(id: number, entry: V, slot = -1): void {
    const cells = this.cells;
    let i = this.home(id);
    for (;;) {
      const k = cells[i * 2]!;
      if (k === id) {
        this.put(i, entry, slot);
        return;
      }
      if (k === 0) break;
      i = (i + 1) & this.mask;
    }
    // An empty bucket: its `vals` is already empty.
    this.put(i, entry, slot);
    cells[i * 2] = id;
    if (++this.size * 2 > this.vals.length) this.rehash(this.vals.length * 2);
  }

  /** Makes room for `n` more entries at once (a client about to enter many), instead of doubling step by step. */
  reserve(n: number): void {
    let capacity = this.vals.length;
    while ((this.size + n) * 2 > capacity) capacity *= 2;
    if (capacity !== this.vals.length) this.rehash(capacity);
  }

  delete(id: number): boolean {
    return this.take(id) !== undefined;
  }

  /** Removes `id`'s entry and returns its value (undefined when there is none): a lookup and a delete in one probe. */
  take(id: number): V | undefined {
    let i = this.find(id);
    if (i < 0) return undefined;
    const cells = this.cells;
    const vals = this.vals;
    const taken = this.valueIn(i);
    // `vals` stays empty in every bucket but those holding a value kept there.
    if ((cells[i * 2 + 1]! & 3) === 0) vals[i] = undefined;
    // Backward-shift deletion: later entries of the probe run move up, so no tombstones build up.
    const mask = this.mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = cells[j * 2]!;
      if (k === 0) break;
      const h = this.home(k);
      // Move k into the hole unless its home lies cyclically in (i, j].
      if (i <= j ? h <= i || h > j : h <= i && h > j) {
        const st = cells[j * 2 + 1]!;
        cells[i * 2] = k;
        cells[i * 2 + 1] = st;
        if ((st & 3) === 0) {
          vals[i] = vals[j];
          vals[j] = undefined;
        }
        i = j;
      }
    }
    cells[i * 2] = 0;
    this.size--;
    return taken;
  }

  clear(): void {
    this.cells.fill(0);
    this.vals.fill(undefined);
    this.size = 0;
  }

  /** Table size: `valueAt(i)` for i below it walks every entry, without allocating (no removals meanwhile). */
  get capacity(): number {
    return this.vals.length;
  }

  valueAt(i: number): V | undefined {
    return this.cells[i * 2] === 0 ? undefined : this.valueIn(i);
  }

  /** The id at table position `i`, 0 when it holds no entry. */
  keyAt(i: number): number {
    return this.cells[i * 2]!;
  }

  /** Whether table position `i` holds an entry. */
  usedAt(i: number): boolean {
    return this.cells[i * 2] !== 0;
  }

  /** The entity slot stored with the entry at table position `i`. */
  slotAt(i: number): number {
    return this.cells[i * 2 + 1]! >> 2;
  }

  /** The entries, as an array the caller may keep walking while entries are removed. */
  values(): V[] {
    const out: V[] = [];
    for (let i = 0; i < this.vals.length; i++) if (this.cells[i * 2] !== 0) out.push(this.valueIn(i)!);
    return out;
  }

  /** [id, entry] pairs, a snapshot like `values()`. */
  [Symbol.iterator](): IterableIterator<[number, V]> {
    const out: [number, V][] = [];
    for (let i = 0; i < this.vals.length; i++) if (this.cells[i * 2] !== 0) out.push([this.cells[i * 2]!, this.valueIn(i)!]);
    return out[Symbol.iterator]();
  }

  private rehash(capacity: number): void {
    const cells = this.cells;
    const vals = this.vals;
    const n = vals.length;
    this.cells = new Float64Array(capacity * 2);
    this.vals = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    for (let i = 0; i < n; i++) {
      const k = cells[i * 2]!;
      if (k === 0) continue;
      let j = this.home(k);
      while (this.cells[j * 2] !== 0) j = (j + 1) & this.mask;
      this.cells[j * 2] = k;
      this.cells[j * 2 + 1] = cells[i * 2 + 1]!;
      this.vals[j] = vals[i];
    }
  }
}
