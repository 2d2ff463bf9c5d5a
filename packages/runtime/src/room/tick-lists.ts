// Tick lists. When every client is due, the fold encodes each listed change right away (its
// shared encoding in this tick's arena). A client whose last frame was the last tick, with
// nothing else listed, pending or entering, then wants exactly those encodings: the fold lists
// it the change's index in this tick's fold order instead of the entity's slot, and its frame
// reads id and bytes from this tick's dense table here, in fold order, instead of claiming each
// listed entity (a mark on its row) and reading its row to find and check its encoding.
//
// A tick list holds only changes of the tick that made it and goes out with the client's frame
// that tick. Anything that breaks those terms before the frame (an entity leaving the client
// outside the fold's walk, the client missing its frame, something else listed or pending
// for it) turns the list into the client's direct list (`spill`), which handles them all.
import type { DirectLists } from './direct-lists.js';
import type { RoomClient } from './records.js';

export class TickLists {
  /** By change index k in this tick's fold order: the entity's table slot and id, and its encoding in this tick's arena (start -1: none). */
  slot = new Int32Array(1024);
  id = new Int32Array(1024);
  start = new Int32Array(1024);
  end = new Int32Array(1024);

  constructor(private readonly direct: DirectLists) {}

  /** Room for `n` changes this tick. */
  reserve(n: number): void {
    if (this.slot.length >= n) return;
    const cap = Math.max(n, this.slot.length * 2);
    this.slot = new Int32Array(cap);
    this.id = new Int32Array(cap);
    this.start = new Int32Array(cap);
    this.end = new Int32Array(cap);
  }

  /** Lists change `k` for client `c`'s frame this tick: its shared encoding. */
  list(c: RoomClient<unknown>, k: number): void {
    if (c.tickN === c.tickList.length) {
      const grown = new Int32Array(c.tickN * 2);
      grown.set(c.tickList);
      c.tickList = grown;
    }
    c.tickList[c.tickN++] = k;
  }

  /**
   * Lists change `k` for its owner `c`: the frame encodes what the owner may see (`-1 - k` in the
   * list), as it does for an owner's entity in the direct list.
   */
  listOwn(c: RoomClient<unknown>, k: number): void {
    this.list(c, -1 - k);
  }

  /** The client's tick list goes to its direct list, as the fold would have listed it. */
  spill(c: RoomClient<unknown>): void {
    const n = c.tickN;
    if (n === 0) return;
    c.tickN = 0;
    // Its entries were listed in this tick alone, and never in the direct list too: no repeats.
    for (let i = 0; i < n; i++) {
      const e = c.tickList[i]!;
      this.direct.list(c, this.slot[e >= 0 ? e : -1 - e]!);
    }
  }
}
