// The band of a view's move: the grid cells that may hold a position inside one box (the view
// before or after its move) but not the other. A sweep (`ViewQuery.sweep`) reads only these.
import { C_X } from './client-table.js';

/**
 * Over a box of cells, per axis: the part of each cell's slab that box A covers (widened a hair,
 * `coord` may file a position a rounding error outside its cell), whether there is one, and
 * whether it lies within box B. A cell is in the band when A covers it on every axis and it is
 * not within B on every axis. Worked out once per axis, not once per cell: a view that moved a
 * little watches dozens of cells and its band is a few of them.
 *
 * Conservative (the grid's clamped outermost cells are treated as bounded, which the range
 * makes moot): the per-entity tests decide.
 */
export class SweepBand {
  /** Per axis, by cell from the box's first: A's part of the slab [lo, hi], and the flags. */
  private readonly lo = [new Float64Array(16), new Float64Array(16), new Float64Array(16)];
  private readonly hi = [new Float64Array(16), new Float64Array(16), new Float64Array(16)];
  private readonly meets = [new Uint8Array(16), new Uint8Array(16), new Uint8Array(16)];
  private readonly within = [new Uint8Array(16), new Uint8Array(16), new Uint8Array(16)];
  private readonly first = new Int32Array(3);

  /**
   * The band over cells x0..x1 × y0..y1 × z0..z1 (z ignored in 2D) of box A against box B:
   * client rows `row` of tables `a` and `b`, half extents at `o` (C_SA or C_EA).
   */
  set(a: Float64Array, b: Float64Array, row: number, o: number, size: number, flat: boolean, x0: number, x1: number, y0: number, y1: number, z0: number, z1: number): void {
    this.axis(0, a, b, row, o, size, x0, x1);
    this.axis(1, a, b, row, o, size, y0, y1);
    if (flat) {
      this.first[2] = z0;
      this.lo[2]![0] = -Infinity;
      this.hi[2]![0] = Infinity;
      this.meets[2]![0] = this.within[2]![0] = 1;
    } else this.axis(2, a, b, row, o, size, z0, z1);
  }

  /** Whether cell (cx, cy, cz) of the box is in the band. */
  has(cx: number, cy: number, cz: number): boolean {
    const i = cx - this.first[0]!;
    const j = cy - this.first[1]!;
    const k = cz - this.first[2]!;
    if ((this.meets[0]![i]! & this.meets[1]![j]! & this.meets[2]![k]!) === 0) return false;
    return (this.within[0]![i]! & this.within[1]![j]! & this.within[2]![k]!) === 0;
  }

  /**
   * A's part of cell (cx, cy): its x range into out[0..1] and its y range into out[4..5] (the
   * layout of `StripFinder.boxes`). Written, not returned: doubles cross no call.
   */
  clip(cx: number, cy: number, out: Float64Array): void {
    const i = cx - this.first[0]!;
    const j = cy - this.first[1]!;
    out[0] = this.lo[0]![i]!;
    out[1] = this.hi[0]![i]!;
    out[4] = this.lo[1]![j]!;
    out[5] = this.hi[1]![j]!;
  }

  private axis(ax: number, a: Float64Array, b: Float64Array, row: number, o: number, size: number, c0: number, c1: number): void {
    const n = c1 - c0 + 1;
    if (this.lo[ax]!.length < n) {
      const cap = Math.max(n, this.lo[ax]!.length * 2);
      this.lo[ax] = new Float64Array(cap);
      this.hi[ax] = new Float64Array(cap);
      this.meets[ax] = new Uint8Array(cap);
      this.within[ax] = new Uint8Array(cap);
    }
    this.first[ax] = c0;
    const e = size * 1e-6;
    const aLo = a[row + C_X + ax]! - a[row + o + ax]!;
    const aHi = a[row + C_X + ax]! + a[row + o + ax]!;
    const bLo = b[row + C_X + ax]! - b[row + o + ax]!;
    const bHi = b[row + C_X + ax]! + b[row + o + ax]!;
    const lo = this.lo[ax]!;
    const hi = this.hi[ax]!;
    const meets = this.meets[ax]!;
    const within = this.within[ax]!;
    for (let i = 0; i < n; i++) {
      const c = c0 + i;
      const l = Math.max(c * size - e, aLo);
      const h = Math.min((c + 1) * size + e, aHi);
      lo[i] = l;
      hi[i] = h;
      meets[i] = +(l <= h);
      within[i] = +(l >= bLo && h <= bHi);
    }
  }
}
