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

  /**
   * Every client's list, by client slot: up to `width` change indices from slot × width, and how
   * many each holds. One typed array for all: listing a pair touches no client object (the
   * fold lists every (client, changed entity) pair, and reaching the client's own array was a
   * fifth of the fold).
   */
  lists = new Int32Array(64 * 64);
  width = 64;
  count = new Int32Array(64);

  /**
   * Room for client slots below `slots`, as a client joins. A list holds one tick's changes and
   * is sent or spilled within that tick, so only a client removed mid-tick leaves one behind: the
   * room empties the list of a slot it gives to a new client (`clear`).
   */
  fit(slots: number): void {
    if (slots <= this.count.length) return;
    const cap = Math.max(slots, this.count.length * 2);
    const count = new Int32Array(cap);
    count.set(this.count);
    this.count = count;
    const lists = new Int32Array(cap * this.width);
    lists.set(this.lists);
    this.lists = lists;
  }

  /** Empties client slot `cs`'s list. */
  clear(cs: number): void {
    this.count[cs] = 0;
  }

  /** Lists change `k` for client slot `cs`'s frame this tick: its shared encoding. */
  list(cs: number, k: number): void {
    const n = this.count[cs]!;
    if (n === this.width) this.widen();
    this.lists[cs * this.width + n] = k;
    this.count[cs] = n + 1;
  }

  /**
   * Lists change `k` for its owner, client slot `cs`: the frame encodes what the owner may see
   * (`-1 - k` in the list), as it does for an owner's entity in the direct list.
   */
  listOwn(cs: number, k: number): void {
    this.list(cs, -1 - k);
  }

  /** Twice the room per client, each list copied to its new place. */
  widen(): void {
    const w = this.width;
    const lists = new Int32Array(this.count.length * w * 2);
    for (let cs = 0; cs < this.count.length; cs++) lists.set(this.lists.subarray(cs * w, cs * w + this.count[cs]!), cs * w * 2);
    this.lists = lists;
    this.width = w * 2;
  }

  /** The client's tick list goes to its direct list, as the fold would have listed it. */
  spill(c: RoomClient<unknown>): void {
    const n = this.count[c.slot]!;
    if (n === 0) return;
    this.count[c.slot] = 0;
    const base = c.slot * this.width;
    // Its entries were listed in this tick alone, and never in the direct list too: no repeats.
    for (let i = 0; i < n; i++) {
      const e = this.lists[base + i]!;
      this.direct.list(c, this.slot[e >= 0 ? e : -1 - e]!);
    }
  }
}
