// A grid cell's entities sorted along one axis, so a view that moved a little finds the few
// entities in the strip between its old and new edge by binary search instead of testing every
// entity of each cell along its edge (see `ViewQuery.sweep`).

/**
 * Coordinates of a cell's entities on one axis, ascending, each with the entity's index in the
 * cell, and the rank of each index. Kept in step through adds, moves and swap-removals: a move
 * of a few units passes few neighbours, so it costs a few swaps.
 */
export class AxisOrder {
  /** Coordinates, ascending. */
  private v = new Float64Array(8);
  /** The cell index of the entity at each rank. */
  private at = new Int32Array(8);
  /** The rank of each cell index. */
  private rank = new Int32Array(8);
  private n = 0;

  /** Sorts the first `n` entities of a cell by `pos[i * 3 + axis]` (positions x, y, z each). */
  build(pos: Float64Array, axis: number, n: number): void {
    this.fit(n);
    const v = this.v;
    const at = this.at;
    for (let i = 0; i < n; i++) at[i] = i;
    if (n <= 32) {
      // Insertion sort for a few dozen: no allocation. (A sweep asks only cells of STRIP_MIN or
      // more, so the order of a larger cell is the usual build, on its first read.)
      for (let i = 1; i < n; i++) {
        const a = at[i]!;
        const x = sortable(pos[a * 3 + axis]!);
        let j = i - 1;
        while (j >= 0 && sortable(pos[at[j]! * 3 + axis]!) > x) {
          at[j + 1] = at[j]!;
          j--;
        }
        at[j + 1] = a;
      }
    } else {
      // Once per cell until its order goes unread (`GridCell.ordered`): a comparator is fine.
      at.subarray(0, n).sort((p, q) => sortable(pos[p * 3 + axis]!) - sortable(pos[q * 3 + axis]!));
    }
    for (let r = 0; r < n; r++) {
      v[r] = sortable(pos[at[r]! * 3 + axis]!);
      this.rank[at[r]!] = r;
    }
    this.n = n;
  }

  /** A new entity at cell index `i` (the cell's new last index) with coordinate `x`. */
  add(i: number, x: number): void {
    this.fit(this.n + 1);
    const r = this.n++;
    this.v[r] = sortable(x);
    this.at[r] = i;
    this.rank[i] = r;
    this.settle(r);
  }

  /** The entity at cell index `i` moved to coordinate `x`. */
  move(i: number, x: number): void {
    const r = this.rank[i]!;
    this.v[r] = sortable(x);
    this.settle(r);
  }

  /** The entity at cell index `i` left, and the cell's last entity (index `last`) took index `i`. */
  remove(i: number, last: number): void {
    const v = this.v;
    const at = this.at;
    const rank = this.rank;
    const n = --this.n;
    for (let r = rank[i]!; r < n; r++) {
      v[r] = v[r + 1]!;
      at[r] = at[r + 1]!;
      rank[at[r]!] = r;
    }
    if (last !== i) {
      const r = rank[last]!;
      at[r] = i;
      rank[i] = r;
    }
  }

  /** The first rank whose coordinate is at least `x` (the count when none is). */
  lowerBound(x: number): number {
    const v = this.v;
    let l = 0;
    let r = this.n;
    while (l < r) {
      const mid = (l + r) >>> 1;
      if (v[mid]! < x) l = mid + 1;
      else r = mid;
    }
    return l;
  }

  /** The cell index of the entity at rank `r`. */
  indexAt(r: number): number {
    return this.at[r]!;
  }

  get size(): number {
    return this.n;
  }

  /** Moves the entry at rank `r` down or up until the order holds again. */
  private settle(r: number): void {
    const v = this.v;
    const x = v[r]!;
    if (r > 0 && v[r - 1]! > x) {
      while (r > 0 && v[r - 1]! > x) {
        this.swap(r - 1, r);
        r--;
      }
      return;
    }
    while (r + 1 < this.n && v[r + 1]! < x) {
      this.swap(r, r + 1);
      r++;
    }
  }

  private swap(r: number, s: number): void {
    const v = this.v;
    const at = this.at;
    const x = v[r]!;
    v[r] = v[s]!;
    v[s] = x;
    const a = at[r]!;
    at[r] = at[s]!;
    at[s] = a;
    this.rank[at[r]!] = r;
    this.rank[at[s]!] = s;
  }

  private fit(n: number): void {
    if (n <= this.v.length) return;
    const cap = Math.max(n, this.v.length * 2);
    const v = new Float64Array(cap);
    v.set(this.v);
    this.v = v;
    const at = new Int32Array(cap);
    at.set(this.at);
    this.at = at;
    const rank = new Int32Array(cap);
    rank.set(this.rank);
    this.rank = rank;
  }
}

/**
 * A coordinate as the order keeps it: NaN (an entity without a place) sorts last, where no strip
 * reaches, instead of breaking the order. Such an entity is in no view, so it is never sought.
 */
function sortable(x: number): number {
  return x === x ? x : Infinity;
}

/** A cell's entities sorted by x and by y: a moving view's strips run along both. */
export class CellOrders {
  readonly byX = new AxisOrder();
  readonly byY = new AxisOrder();

  build(pos: Float64Array, n: number): void {
    this.byX.build(pos, 0, n);
    this.byY.build(pos, 1, n);
  }
}

/**
 * Finds the entities of a cell that may lie inside box A but not box B, two boxes with the same
 * extent on z: such an entity is outside B on x or on y while inside A there, so it lies in a
 * strip between an edge of A and the nearer edge of B. Each strip is a binary search in the
 * cell's order on its axis. The strips are widened a hair beyond rounding, so what is found is
 * a superset: the caller tests each entity exactly. No entity is found twice.
 */
export class StripFinder {
  /** The cell indices found by the last `find`, `n` of them. */
  out = new Int32Array(64);
  n = 0;
  /** The x ranges the last `find` took, [from, to) pairs, which its y strips skip. */
  private readonly xr = new Float64Array(4);
  private xrN = 0;

  /**
   * The boxes of the next `find`: A = [aLoX, aHiX] × [aLoY, aHiY] and B likewise, in the order
   * aLoX, aHiX, bLoX, bHiX, aLoY, aHiY, bLoY, bHiY. Set here, not passed: a call its caller does
   * not inline boxes every double it is passed.
   */
  readonly boxes = new Float64Array(8);

  /** Finds them among a cell's entities (`pos` their positions, x, y, z each); returns how many, into `out`. */
  find(o: CellOrders, pos: Float64Array): number {
    const b = this.boxes;
    this.n = 0;
    this.xrN = 0;
    this.strips(o.byX, b[0]!, b[1]!, b[2]!, b[3]!, null);
    this.strips(o.byY, b[4]!, b[5]!, b[6]!, b[7]!, pos);
    return this.n;
  }

  /** The ranges of one axis inside [aLo, aHi] and outside [bLo, bHi]; `pos` given, skipping what the x ranges took. */
  private strips(order: AxisOrder, aLo: number, aHi: number, bLo: number, bHi: number, pos: Float64Array | null): void {
    const e = 1e-9 * (Math.abs(aLo) + Math.abs(aHi) + Math.abs(bLo) + Math.abs(bHi) + 1);
    const lo1 = aLo - e;
    const hi1 = bLo + e;
    const lo2 = bHi - e;
    const hi2 = aHi + e;
    // B misses A on this axis, or its strips meet: the whole of A's range, once.
    if (hi1 >= lo2 || bHi < aLo || bLo > aHi) this.range(order, lo1, hi2, pos);
    else {
      if (hi1 > lo1) this.range(order, lo1, hi1, pos);
      if (hi2 > lo2) this.range(order, lo2, hi2, pos);
    }
  }

  /** Adds the entities with a coordinate in [lo, hi): by x (no `pos`) noting the range, by y skipping x's ranges. */
  private range(order: AxisOrder, lo: number, hi: number, pos: Float64Array | null): void {
    const from = order.lowerBound(lo);
    const to = order.lowerBound(hi);
    if (to <= from) return;
    if (this.n + to - from > this.out.length) {
      const grown = new Int32Array(Math.max(this.n + to - from, this.out.length * 2));
      grown.set(this.out.subarray(0, this.n));
      this.out = grown;
    }
    const out = this.out;
    let n = this.n;
    if (pos === null) {
      this.xr[this.xrN++] = lo;
      this.xr[this.xrN++] = hi;
      for (let r = from; r < to; r++) out[n++] = order.indexAt(r);
    } else {
      const xr = this.xr;
      const k = this.xrN;
      for (let r = from; r < to; r++) {
        const i = order.indexAt(r);
        const x = pos[i * 3]!;
        if ((k > 0 && x >= xr[0]! && x < xr[1]!) || (k > 2 && x >= xr[2]! && x < xr[3]!)) continue;
        out[n++] = i;
      }
    }
    this.n = n;
  }
}
