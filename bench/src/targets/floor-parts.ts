// Pieces both floor servers share (targets/room-floor.ts for bench:arena, load/load-floor.ts for
// bench:load): a square grid over the world, the cells a square view overlaps, and a whole
// entity of the two schemas' common shape {x, y, angle: f32; hp: u8; name: string}.
import type { Writer } from '@netschema/runtime';

/** Field bits of that shape: x, y, angle (a move's patch), and all five (an entering entity). */
export const MOVED = 0b111;
export const ALL = 0b11111;

/** A square grid of `cell`-edged cells over a world of side `world`; positions outside clamp to the border cells. */
export class FloorGrid {
  readonly side: number;

  constructor(readonly cell: number, world: number) {
    this.side = Math.ceil(world / cell) + 1;
  }

  coord(v: number): number {
    const c = Math.floor(v / this.cell);
    return c < 0 ? 0 : c >= this.side ? this.side - 1 : c;
  }

  cellAt(x: number, y: number): number {
    return this.coord(x) * this.side + this.coord(y);
  }

  /** The cells the square view of centre (cx, cy) and half side `half` overlaps. */
  watched(cx: number, cy: number, half: number): Int32Array {
    const list: number[] = [];
    const x0 = this.coord(cx - half);
    const x1 = this.coord(cx + half);
    const y0 = this.coord(cy - half);
    const y1 = this.coord(cy + half);
    for (let gx = x0; gx <= x1; gx++) for (let gy = y0; gy <= y1; gy++) list.push(gx * this.side + gy);
    return Int32Array.from(list);
  }
}

/** An entity whole, as an entering entry's bytes: class id, then every field. */
export function writeWhole(w: Writer, classId: number, x: number, y: number, angle: number, hp: number, name: string): void {
  w.reserve(24);
  w.varuint(classId);
  w.varuint(ALL);
  w.f32(x);
  w.f32(y);
  w.f32(angle);
  w.u8(hp);
  w.string(name);
}
