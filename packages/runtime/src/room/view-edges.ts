// The edges of a grid cell's box views, sorted per axis, so a moved entity is tested against the
// few views whose edge it crossed instead of every view watching its cell.

/**
 * Numbers per watcher in `GridCell.views`: the view's centre (x, y, z) and its entering half
 * sides (x, y, z), or a NaN centre when the view alone does not decide what the watcher gets.
 */
export const VIEW_FIELDS = 6;

/**
 * An entity that moved from F to P entered a box view (|P - v| <= e on every axis, not so for F)
 * only if on some axis it crossed the view's edge in the direction it moved: the lower edge
 * v - e lies in (F, P] when it moved up that axis, the upper edge v + e in [P, F) when it moved
 * down. A move of a few units crosses few edges, so looking them up in edges sorted per axis
 * finds a handful of views where testing every watcher of the cell reads a hundred.
 *
 * The ranges are widened by a margin far above rounding, so the lookup returns a superset of
 * the views entered: the caller applies the exact test to each (`EntityMoves.moveEntities`).
 * Views with a NaN centre (the view alone does not decide) are listed apart, to be tested one
 * by one.
 */
export class ViewEdges {
  /** Per axis: lower edges ascending and their watcher indices; upper edges likewise. */
  private readonly lo: Float64Array[] = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  private readonly loAt: Int32Array[] = [new Int32Array(0), new Int32Array(0), new Int32Array(0)];
  private readonly hi: Float64Array[] = [new Float64Array(0), new Float64Array(0), new Float64Array(0)];
  private readonly hiAt: Int32Array[] = [new Int32Array(0), new Int32Array(0), new Int32Array(0)];
  /** Box views indexed. */
  private n = 0;
  /** Watchers whose view is not a box, by index. */
  others = new Int32Array(0);
  othersN = 0;
  /** What `candidates` found: watcher indices, a view crossed on two axes listed twice. */
  hits = new Int32Array(0);
  private order = new Int32Array(0);
  private edge = new Float64Array(0);

  /** Indexes the first `count` views of `views` (a cell's `GridCell.views`). */
  build(views: Float64Array, count: number): void {
    if (this.order.length < count) {
      const cap = Math.max(count, this.order.length * 2, 8);
      for (let a = 0; a < 3; a++) {
        this.lo[a] = new Float64Array(cap);
        this.loAt[a] = new Int32Array(cap);
        this.hi[a] = new Float64Array(cap);
        this.hiAt[a] = new Int32Array(cap);
      }
      this.others = new Int32Array(cap);
      this.hits = new Int32Array(3 * cap);
      this.order = new Int32Array(cap);
      this.edge = new Float64Array(cap);
    }
    let n = 0;
    this.othersN = 0;
    const order = this.order;
    for (let i = 0; i < count; i++) {
      if (Number.isNaN(views[i * VIEW_FIELDS])) this.others[this.othersN++] = i;
      else order[n++] = i;
    }
    this.n = n;
    const edge = this.edge;
    const byEdge = (p: number, q: number): number => edge[p]! - edge[q]!;
    for (let a = 0; a < 3; a++) {
      for (let side = 0; side < 2; side++) {
        const sign = side === 0 ? -1 : 1;
        for (let i = 0; i < count; i++) edge[i] = views[i * VIEW_FIELDS + a]! + sign * views[i * VIEW_FIELDS + 3 + a]!;
        // Rare (a cell's views changed, then its entities moved a while): an allocation is fine.
        const sorted = order.slice(0, n).sort(byEdge);
        const to = side === 0 ? this.lo[a]! : this.hi[a]!;
        const at = side === 0 ? this.loAt[a]! : this.hiAt[a]!;
        for (let j = 0; j < n; j++) {
          to[j] = edge[sorted[j]!]!;
          at[j] = sorted[j]!;
        }
      }
    }
  }

  /**
   * Box views an entity that moved from `from[fa..fa+2]` to `to[ta..ta+2]` (x, y, z each) may
   * have entered, into `hits`; returns how many. Positions are read from arrays, not passed: a
   * call its caller does not inline boxes every double it is passed.
   */
  candidates(from: Float64Array, fa: number, to: Float64Array, ta: number): number {
    let m = this.crossed(0, from, fa, to, ta, 0, false);
    m = this.crossed(1, from, fa, to, ta, m, false);
    return this.crossed(2, from, fa, to, ta, m, false);
  }

  /**
   * Box views an entity that moved from `from[fa..fa+2]` to `to[ta..ta+2]` may have left, into
   * `hits`: it crossed the upper edge moving up an axis, the lower edge moving down. Returns how many.
   */
  exits(from: Float64Array, fa: number, to: Float64Array, ta: number): number {
    let m = this.crossed(0, from, fa, to, ta, 0, true);
    m = this.crossed(1, from, fa, to, ta, m, true);
    return this.crossed(2, from, fa, to, ta, m, true);
  }

  private crossed(a: number, from: Float64Array, fa: number, to: Float64Array, ta: number, m: number, exit: boolean): number {
    const f = from[fa + a]!;
    const p = to[ta + a]!;
    // Not moved along this axis (or not a number): nothing crossed.
    if (!(p > f || p < f)) return m;
    const n = this.n;
    const eps = 1e-9 * (Math.abs(f) + Math.abs(p) + 1);
    const up = p > f;
    // Entering, the edge met first (the lower one moving up); leaving, the far one.
    const lower = up !== exit;
    const edges = lower ? this.lo[a]! : this.hi[a]!;
    const at = lower ? this.loAt[a]! : this.hiAt[a]!;
    const lo = (up ? f : p) - eps;
    const hi = (up ? p : f) + eps;
    // First edge >= lo.
    let l = 0;
    let r = n;
    while (l < r) {
      const mid = (l + r) >>> 1;
      if (edges[mid]! < lo) l = mid + 1;
      else r = mid;
    }
    const hits = this.hits;
    for (let j = l; j < n && edges[j]! <= hi; j++) hits[m++] = at[j]!;
    return m;
  }
}
