/**
 * A client's area of interest around a point: a circle (sphere in 3D) or a box. Entities enter
 * inside it and leave only once they are `hysteresis` beyond it, so an entity on the border does
 * not flap in and out.
 */
export type View = RadiusView | BoxView;

export interface RadiusView {
  x: number;
  y: number;
  z?: number;
  radius: number;
  /** Extra distance before a visible entity leaves. Default: 10% of the radius. */
  hysteresis?: number;
}

export interface BoxView {
  x: number;
  y: number;
  z?: number;
  halfWidth: number;
  halfHeight: number;
  halfDepth?: number;
  hysteresis?: number;
}

/** A view resolved to numbers the per-tick checks read without branching on its shape. */
export class ViewShape {
  x = 0;
  y = 0;
  z = 0;
  /** Radius views: squared radius to enter and to stay. */
  enter2 = 0;
  stay2 = 0;
  /** Box views: half extents to enter; `margin` more to stay. */
  hx = 0;
  hy = 0;
  hz = 0;
  margin = 0;
  round = true;
  /** Half extent of the box of cells the view watches (its staying range). */
  reach = 0;
  reachZ = 0;

  set(v: View): void {
    if (!(Number.isFinite(v.x) && Number.isFinite(v.y) && (v.z === undefined || Number.isFinite(v.z)))) {
      throw new RangeError(`view: expected finite x, y (and z), got ${v.x}, ${v.y}${v.z === undefined ? '' : `, ${v.z}`}`);
    }
    this.x = v.x;
    this.y = v.y;
    this.z = v.z ?? 0;
    if ('radius' in v) {
      if (!(v.radius > 0)) throw new RangeError(`view radius: expected a positive number, got ${v.radius}`);
      const h = v.hysteresis ?? v.radius * 0.1;
      this.round = true;
      this.enter2 = v.radius * v.radius;
      this.stay2 = (v.radius + h) * (v.radius + h);
      this.reach = this.reachZ = v.radius + h;
    } else {
      if (!(v.halfWidth > 0 && v.halfHeight > 0)) throw new RangeError(`view box: expected positive halfWidth and halfHeight, got ${v.halfWidth}, ${v.halfHeight}`);
      const h = v.hysteresis ?? Math.min(v.halfWidth, v.halfHeight) * 0.1;
      this.round = false;
      this.hx = v.halfWidth;
      this.hy = v.halfHeight;
      this.hz = v.halfDepth ?? Infinity;
      this.margin = h;
      this.reach = Math.max(v.halfWidth, v.halfHeight) + h;
      this.reachZ = (v.halfDepth ?? 1e15) + h;
    }
  }

  /** Squared distance from the view's center (for priorities). */
  dist2(x: number, y: number, z: number): number {
    const dx = x - this.x;
    const dy = y - this.y;
    const dz = z - this.z;
    return dx * dx + dy * dy + dz * dz;
  }

  /**
   * `contains` for the point at `at` in `from` (x, y, z): a call that passes no doubles, so a
   * caller that does not inline it boxes none (the tick makes thousands of these calls); the
   * small `contains` is inlined here, doubles and all.
   */
  containsAt(from: Float64Array, at: number, staying: boolean): boolean {
    return this.contains(from[at]!, from[at + 1]!, from[at + 2]!, staying);
  }

  /** Whether a point is inside: the entering test, or with `staying` the wider leaving test. */
  contains(x: number, y: number, z: number, staying: boolean): boolean {
    if (this.round) return this.dist2(x, y, z) <= (staying ? this.stay2 : this.enter2);
    const m = staying ? this.margin : 0;
    return Math.abs(x - this.x) <= this.hx + m && Math.abs(y - this.y) <= this.hy + m && Math.abs(z - this.z) <= this.hz + m;
  }
}
