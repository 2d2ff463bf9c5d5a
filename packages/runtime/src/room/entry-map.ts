
/**
 * Values by numeric id (a client's view entries by entity id): an open-addressing hash table
 * over a typed key array, with a table slot kept beside each key.
 * Entities enter and leave views every tick; a `Map` pays a rehash for the holes deletions leave
 * and a few scattered allocations per entry, this pays a probe or two in contiguous memory.
 * Iterating returns a snapshot, so callers may remove entries while they walk.
 *
 * Kept by measurement (docs/architecture.md, "Built here or borrowed"): a `Map` index over dense
 * arrays made `bench:arena`'s tick 8% slower and `bench:follow`'s 16%, though a bare
 * micro-benchmark of the operations (`bench:choices`) favours `Map`.
 */
export class EntryMap<V> {
  /** Entity ids, 0 for an empty slot (ids start at 1). */
  private keys: Float64Array;
  private vals: (V | undefined)[];
  /** Each entry's entity table slot, beside its key: a walk over positions reads no entry. */
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 16) {
    this.keys = new Float64Array(capacity);
    this.vals = new Array<V | undefined>(capacity).fill(undefined);
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  private home(id: number): number {
    return (Math.imul(id, 0x9e3779b1) >>> 0) & this.mask;
  }

  private find(id: number): number {
    const keys = this.keys;
    let i = this.home(id);
    for (;;) {
      const k = keys[i]!;
      if (k === id) return i;
      if (k === 0) return -1;
      i = (i + 1) & this.mask;
    }
  }

  get(id: number): V | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : this.vals[i];
  }

  /** The entity slot stored with `id`'s entry, or -1 when there is none. */
  slotOf(id: number): number {
    const i = this.find(id);
    return i < 0 ? -1 : this.slots[i]!;
  }

  /** Replaces `id`'s value with `to` if it is `from`; returns whether it did. One probe for a check and a set. */
  swap(id: number, from: V, to: V): boolean {
    const i = this.find(id);
    if (i < 0 || this.vals[i] !== from) return false;
    this.vals[i] = to;
    return true;
  }

  has(id: number): boolean {
    return this.find(id) >= 0;
  }

  /** Adds or replaces the entry for `id`; `slot` is the entity's table slot, read back by `slotAt`. */
  set(id: number, entry: V, slot = -1): void {
    const keys = this.keys;
    let i = this.home(id);
    for (;;) {
      const k = keys[i]!;
      if (k === id) {
        this.vals[i] = entry;
        this.slots[i] = slot;
        return;
      }
      if (k === 0) break;
      i = (i + 1) & this.mask;
    }
    keys[i] = id;
    this.vals[i] = entry;
    this.slots[i] = slot;
    if (++this.size * 2 > keys.length) this.rehash(keys.length * 2);
  }

  /** Makes room for `n` more entries at once (a client about to enter many), instead of doubling step by step. */
  reserve(n: number): void {
    let capacity = this.keys.length;
    while ((this.size + n) * 2 > capacity) capacity *= 2;
    if (capacity !== this.keys.length) this.rehash(capacity);
  }

  delete(id: number): boolean {
    return this.take(id) !== undefined;
  }

  /** Removes `id`'s entry and returns its value (undefined when there is none): a lookup and a delete in one probe. */
  take(id: number): V | undefined {
    let i = this.find(id);
    if (i < 0) return undefined;
    const taken = this.vals[i];
    // Backward-shift deletion: later entries of the probe run move up, so no tombstones build up.
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = keys[j]!;
      if (k === 0) break;
      const h = this.home(k);
      // Move k into the hole unless its home lies cyclically in (i, j].
      if (i <= j ? h <= i || h > j : h <= i && h > j) {
        keys[i] = k;
        vals[i] = vals[j];
        this.slots[i] = this.slots[j]!;
        i = j;
      }
    }
    keys[i] = 0;
    vals[i] = undefined;
    this.size--;
    return taken;
  }

  clear(): void {
    this.keys.fill(0);
    this.vals.fill(undefined);
    this.size = 0;
  }

  /** Table size: `valueAt(i)` for i below it walks every entry, without allocating (no removals meanwhile). */
  get capacity(): number {
    return this.keys.length;
  }

  valueAt(i: number): V | undefined {
    return this.vals[i];
  }

  /** The id at table position `i`, 0 when it holds no entry. */
  keyAt(i: number): number {
    return this.keys[i]!;
  }

  /** Whether table position `i` holds an entry. */
  usedAt(i: number): boolean {
    return this.keys[i] !== 0;
  }

  /** The entity slot stored with the entry at table position `i`. */
  slotAt(i: number): number {
    return this.slots[i]!;
  }

  /** The entries, as an array the caller may keep walking while entries are removed. */
  values(): V[] {
    const out: V[] = [];
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) out.push(this.vals[i]!);
    return out;
  }

  /** [id, entry] pairs, a snapshot like `values()`. */
  [Symbol.iterator](): IterableIterator<[number, V]> {
    const out: [number, V][] = [];
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) out.push([keys[i]!, this.vals[i]!]);
    return out[Symbol.iterator]();
  }

  private rehash(capacity: number): void {
    const keys = this.keys;
    const vals = this.vals;
    const slots = this.slots;
    this.keys = new Float64Array(capacity);
    this.vals = new Array<V | undefined>(capacity).fill(undefined);
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k === 0) continue;
      let j = this.home(k);
      while (this.keys[j] !== 0) j = (j + 1) & this.mask;
      this.keys[j] = k;
      this.vals[j] = vals[i];
      this.slots[j] = slots[i]!;
    }
  }
}
