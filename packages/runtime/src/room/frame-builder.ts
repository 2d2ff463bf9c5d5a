// A client's frame: what it has pending (under its byte budget, by priority, in id order) and
// what its direct list claims (in the order listed), written in the room frame layout
// (protocol/room-frame.ts) from the shared encodings.
import { FRAME_BUDGET_HEAD, FRAME_HEAD_BOUND, FRAME_ITEM_BOUND, entityKey, writeRoomFrameHead } from '../protocol/room-frame.js';
import type { Tracked } from '../tracking/tracked.js';
import { Writer } from '../wire/writer.js';
import { DirectClaim, type DirectLists } from './direct-lists.js';
import { I_EEND, I_EHI, I_ELO, I_ESTART, I_ETICK, I_ID, I_MARK, I_OWNER, ROW_I32, type EntityTable } from './entity-table.js';
import { hasOwnedNews } from './ownership.js';
import { ENTERING, GONE, KNOWN, LITE_ENTERING, LITE_KNOWN, VIS_OTHER, type EntityRecord, type ViewEntry, type RoomClient } from './records.js';
import { empty } from './reused-arrays.js';
import { KEEP, KEEP_MASK, type SharedEncodings, type Span } from './shared-encodings.js';
import type { SharedRun } from './shared-run.js';
import { KEY_SPAN, sortKeys } from './sort-keys.js';
import type { TickLists } from './tick-lists.js';
import { adopt, ageNested, visOf, type ViewEntryPool } from './view-entries.js';

/** An owned entity's priority under a budget by default: above anything distance gives. */
const OWN_PRIORITY = 1e9;

/** Frame lengths below this get a kept view (`FrameBuilder.view`); longer ones, rare, a new one. */
const VIEW_CACHE = 4096;

const byPriority = (a: ViewEntry, b: ViewEntry) => b.priority - a.priority;

export class FrameBuilder {
  private readonly frame = new Writer(1 << 14);
  private readonly selected: ViewEntry[] = [];
  private keys = new Float64Array(256);
  /** Entities held lite that this frame sends whole (slots), and where their bytes sit in the arena. */
  private liteSlots = new Int32Array(64);
  private liteStart = new Int32Array(64);
  private liteEnd = new Int32Array(64);
  private readonly span: Span = { src: new Writer(0), start: 0, end: 0 };
  private readonly claim = new DirectClaim();
  /** The room's tick, set by `begin`. */
  private tick = 0;
  /** Views of the frame writer's buffer by length (`view`), and the buffer they view. */
  private readonly views: (Uint8Array | undefined)[] = [];
  private viewsOf: Uint8Array | null = null;

  constructor(
    private readonly table: EntityTable<EntityRecord>,
    private readonly enc: SharedEncodings,
    private readonly direct: DirectLists,
    private readonly run: SharedRun,
    private readonly ticks: TickLists,
    private readonly pool: ViewEntryPool,
    private readonly teams: boolean,
    private readonly hasGrid: boolean,
    private readonly priority: ((client: RoomClient<unknown>, entity: Tracked, distance2: number) => number) | undefined,
  ) {}

  begin(tick: number): void {
    this.tick = tick;
  }

  private priorityOf(client: RoomClient<unknown>, rec: EntityRecord): number {
    const d2 = this.hasGrid && client.hasView ? client.shape.dist2(rec.x, rec.y, rec.z) : 0;
    if (this.priority) return this.priority(client, rec.entity, d2);
    if (rec.owner === client) return OWN_PRIORITY;
    const r = client.radiusHint;
    return 1 / (1 + d2 / (r * r));
  }

  /** The bytes of an entity for an entry: shared by every client that needs the same masks this tick. */
  private slice(entry: ViewEntry, out: Span): void {
    const rec = entry.rec;
    if (entry.state === ENTERING) {
      // What any client may see: the same bytes lite holds enter with, made once a tick.
      if (entry.vis === VIS_OTHER) {
        this.enc.wholeSlice(rec.slot, out);
        return;
      }
      const c0 = rec.masks.allow[entry.vis * 2]!;
      const c1 = rec.masks.allow[entry.vis * 2 + 1]!;
      this.enc.sliceOf(rec, c0, c1, c0 & rec.masks.nested0, c1 & rec.masks.nested1, 1, out);
    } else {
      ageNested(entry, this.tick);
      this.enc.sliceOf(rec, entry.c0, entry.c1, entry.r0, entry.r1, 0, out);
    }
  }

  /**
   * Whether the client's frame would certainly carry nothing, known without building it: nothing
   * pending or listed (in either list), nothing leaving, no reset, no new acknowledgement, no
   * ownership news. Such a client is passed over as `build` would (it returns null for it), at
   * the cost of these few checks, so an idle client costs next to nothing per tick.
   */
  quiet(client: RoomClient<unknown>): boolean {
    return (
      client.pendingList.length === 0 && client.directN === 0 && this.ticks.count[client.slot] === 0 && client.enterN === 0 && client.leaving.length === 0 && !client.reset &&
      client.lastInputSeq === client.ackSent && !hasOwnedNews(client) && !this.run.carries(client)
    );
  }

  /** Books a quiet client's tick as `build` books a frame that carries nothing. */
  passOver(client: RoomClient<unknown>): void {
    client.frameTick = this.tick;
    empty(client.leftSince);
    client.stats.idle++;
  }

  /**
   * The client's frame, or null when it would carry nothing: no removal, no entity, no reset and
   * no new input acknowledgement, with no ownership news waiting. Such a frame is not sent; the
   * client's replica is as current as the tick, and its next frame's tick says so.
   */
  build(client: RoomClient<unknown>): Uint8Array | null {
    // The shared run goes last, after the client's own entries (an entity entering comes before
    // its patch in the run). Encoded before anything else, so an entity it cannot encode throws
    // before this client's state has changed.
    const run = this.run;
    const rides = run.carries(client);
    if (rides) run.encode();
    const limited = client.budget !== Infinity;
    // A tick list stands alone: with anything else listed or pending since the fold (a sink call
    // gave ownership, a rider lost an entity of the run), it goes to the direct list, whose claim
    // sorts them out.
    const T = this.ticks;
    if (client.directN > 0 || client.pendingList.length > 0) T.spill(client);
    // Under a budget, what enters waits its turn by priority with the rest: as view entries. So
    // does a frame with more to send than its sort keys can tell apart.
    if (client.enterN > 0 && (limited || client.enterN + client.pendingList.length + client.directN >= KEY_SPAN - 1)) this.adoptEntering(client);
    const mark = this.direct.nextMark();
    const claim = this.claim;
    claim.listed = claim.claimed = 0;
    if (client.directN > 0) this.direct.claim(client, mark, claim);
    // The listed entities: the direct list as claimed, or the tick list (only one has any).
    const tickN = T.count[client.slot]!;
    const ticked = tickN > 0;
    const tickList = T.lists;
    const tickBase = client.slot * T.width;
    const directN = ticked ? tickN : claim.listed;
    T.clear(client.slot);
    const liteN = client.enterN > 0 ? this.takeEntering(client, mark, claim) : 0;
    const pending = client.pendingList;
    const selected = this.selected;
    empty(selected);
    if (limited) {
      for (let i = 0; i < pending.length; i++) {
        const e = pending[i]!;
        if (e.state !== GONE) e.priority += this.priorityOf(client, e.rec);
      }
      pending.sort(byPriority);
    }
    // Header, removals, then entities: the budget counts all of it.
    let used = FRAME_BUDGET_HEAD + client.leaving.length * FRAME_ITEM_BOUND;
    let deferred = 0;
    const span = this.span;
    for (let i = 0; i < pending.length; i++) {
      const e = pending[i]!;
      if (e.state === GONE) continue;
      if ((limited && used >= client.budget && selected.length > 0) || selected.length === KEY_SPAN - 1) {
        deferred++;
        continue;
      }
      this.slice(e, span);
      const size = span.end - span.start + FRAME_ITEM_BOUND;
      if (limited && used + size > client.budget && selected.length > 0) {
        deferred++;
        continue;
      }
      used += size;
      e.start = span.start;
      e.end = span.end;
      selected.push(e);
    }
    // Write: removals, then entities sorted by id so their id deltas stay small.
    const w = this.frame;
    w.reset();
    w.reserve(FRAME_HEAD_BOUND + client.leaving.length * FRAME_ITEM_BOUND);
    const reset = client.reset;
    writeRoomFrameHead(w, this.tick, client.lastInputSeq, reset);
    // A reset frame drops everything the client held, so its ownership is told again whole.
    if (reset) client.ownedReset = true;
    client.reset = false;
    const leaving = client.leaving.length;
    w.varuint(leaving);
    let prev = 0;
    for (let i = 0; i < leaving; i++) {
      const id = client.leaving[i]!;
      w.varint(id - prev);
      prev = id;
    }
    // The selected entries in id order, so their id deltas stay small (sorted through packed
    // numeric keys: id, index), the direct list's taken in turn in the order listed: keys are
    // zigzag id deltas, so a frame's entries may come in any order.
    // Entities entering lite come after the selected entries in the keys' index.
    const nEnt = selected.length;
    const nSel = nEnt + liteN;
    const direct = client.direct;
    const after = client.frameTick;
    if (this.keys.length < nSel) this.keys = new Float64Array(Math.max(nSel, this.keys.length * 2));
    const keys = this.keys;
    const I = this.table.i32;
    for (let k = 0; k < nEnt; k++) keys[k] = selected[k]!.rec.id * KEY_SPAN + k;
    const liteSlots = this.liteSlots;
    for (let k = 0; k < liteN; k++) keys[nEnt + k] = I[liteSlots[k]! * ROW_I32 + I_ID]! * KEY_SPAN + nEnt + k;
    sortKeys(keys, nSel);
    const recs = this.table.recs;
    const count = nSel + (ticked ? directN : claim.claimed) + (rides ? run.n : 0);
    w.reserve(8);
    w.varuint(count);
    prev = 0;
    let entered = 0;
    let j = 0;
    let d = 0;
    // Clients that see hidden fields of no listed entity read the rows' shared encodings.
    const shared = !this.teams;
    const cs = client.slot;
    const tick = this.tick;
    const arenas = this.enc.arenas;
    // Selected entries' encodings are this tick's, as are the tick list's.
    const arena = this.enc.arena;
    while (j < nSel || d < directN) {
      // Division by a power of two is exact, and far cheaper than `%` on doubles.
      const key = j < nSel ? keys[j]! : Infinity;
      const selId = Math.floor(key / KEY_SPAN);
      // The listed entities before the next selected one, in a loop of their own that keeps the
      // frame's position and buffer in locals: this runs once per (client, changed entity).
      let buf = w.buf;
      let dv = w.view;
      let pos = w.pos;
      for (; d < directN; d++) {
        let id: number;
        let start: number;
        let end: number;
        let src = arena;
        if (ticked) {
          // This tick's change, encoded in the fold for every client whose last frame was the last
          // tick, or for its owner (`-1 - k`) encoded here, with what the owner alone may see.
          const e = tickList[tickBase + d]!;
          const k = e >= 0 ? e : -1 - e;
          id = T.id[k]!;
          if (id >= selId) break;
          start = T.start[k]!;
          end = T.end[k]!;
          if (e < 0 || start < 0) {
            const slot = T.slot[k]!;
            const rec = recs[slot]!;
            // A rider's entity of the run: only its hidden fields, the run has the rest. One that
            // could not be encoded meets the same error here, and the room drops the entity.
            if (e >= 0) this.enc.openSlice(slot, after, span);
            else if (rides && this.table.everyone[slot] === 1) this.enc.hiddenSlice(rec, visOf(client, rec, this.teams), span);
            else this.enc.directSlice(rec, visOf(client, rec, this.teams), after, span);
            src = span.src;
            start = span.start;
            end = span.end;
          }
        } else {
          const slot = direct[d]!;
          const row = slot * ROW_I32;
          if (I[row + I_MARK] !== mark) continue;
          id = I[row + I_ID]!;
          if (id >= selId) break;
          start = I[row + I_ESTART]!;
          end = I[row + I_EEND]!;
          // The row's encoding, written this tick or a few before (an arena of the last KEEP).
          const et = I[row + I_ETICK]!;
          src = arenas[et & KEEP_MASK]!;
          if (!(shared && et >= 0 && tick - et < KEEP && after >= I[row + I_ELO]! && after <= I[row + I_EHI]! && I[row + I_OWNER] !== cs)) {
            if (shared && I[row + I_OWNER] !== cs) this.enc.openSlice(slot, after, span);
            else {
              const rec = recs[slot]!;
              // A rider's listed entity of the run: only its hidden fields, the run has the rest.
              if (rides && this.table.everyone[slot] === 1) this.enc.hiddenSlice(rec, visOf(client, rec, this.teams), span);
              else this.enc.directSlice(rec, visOf(client, rec, this.teams), after, span);
            }
            src = span.src;
            start = span.start;
            end = span.end;
          }
        }
        const delta = id - prev;
        prev = id;
        const n = end - start;
        if (pos + 10 + n > buf.length) {
          w.pos = pos;
          w.reserve(10 + n);
          buf = w.buf;
          dv = w.view;
        }
        const v = entityKey(delta, 0);
        if (v < 16384) {
          // One byte or two (ids up to 4,095 apart either way: the usual gaps between a frame's
          // entities), written without a branch: which it is is a coin toss in a typical frame.
          // The second byte is written either way; a one-byte key's is overwritten next.
          const two = +(v > 127);
          buf[pos] = (v & 127) | (two << 7);
          buf[pos + 1] = v >>> 7;
          pos += 1 + two;
        } else {
          w.pos = pos;
          w.varuint(v);
          pos = w.pos;
        }
        // The bytes, four at a time: Writer.copyFrom written out, as calling it made the arena and
        // load shapes' ticks 2 % slower (ab-room, both orders).
        if (n > 64) buf.set(src.buf.subarray(start, end), pos);
        else {
          const sv = src.view;
          let i = start;
          for (; i + 4 <= end; i += 4, pos += 4) dv.setUint32(pos, sv.getUint32(i, true), true);
          const from = src.buf;
          for (; i < end; i++) buf[pos++] = from[i]!;
          continue;
        }
        pos += n;
      }
      w.pos = pos;
      if (j === nSel) break;
      j++;
      const at = key - selId * KEY_SPAN;
      if (at >= nEnt) {
        // Entering, held lite: whole, with the fields any client may see.
        const k = at - nEnt;
        const n = this.liteEnd[k]! - this.liteStart[k]!;
        w.reserve(10 + n);
        w.varuint(entityKey(selId - prev, 1));
        prev = selId;
        w.copyFrom(arena, this.liteStart[k]!, this.liteEnd[k]!);
        entered++;
        continue;
      }
      const e = selected[at]!;
      const delta = e.rec.id - prev;
      prev = e.rec.id;
      const enter = e.state === ENTERING ? 1 : 0;
      entered += enter;
      w.reserve(FRAME_ITEM_BOUND);
      w.varuint(entityKey(delta, enter));
      w.copyFrom(arena, e.start, e.end);
      e.state = KNOWN;
      e.c0 = e.c1 = e.r0 = e.r1 = 0;
      e.priority = 0;
      e.pending = false;
    }
    if (rides) {
      // The run as written once, but for its first key: a delta from this frame's last entry.
      const rest = run.rest;
      w.reserve(10 + rest.length);
      w.varuint(entityKey(run.firstId - prev, 0));
      w.buf.set(rest, w.pos);
      w.pos += rest.length;
    }
    client.frameTick = this.tick;
    empty(client.leftSince);
    // Keep what is still pending (deferred by the budget); drop what was sent or is gone.
    let n = 0;
    for (let i = 0; i < pending.length; i++) {
      const e = pending[i]!;
      if (e.pending && e.state !== GONE) pending[n++] = e;
      else {
        e.pending = false;
        if (e.state === GONE) this.pool.give(e);
      }
    }
    // Popped, not truncated: setting a length is a runtime call, and a length of 0 drops the
    // list's storage, which the next entity to enter would allocate again.
    while (pending.length > n) pending.pop();
    const st = client.stats;
    if (count === 0 && leaving === 0 && !reset && client.lastInputSeq === client.ackSent && !hasOwnedNews(client)) {
      st.idle++;
      return null;
    }
    client.ackSent = client.lastInputSeq;
    st.frames++;
    st.lastFrameBytes = w.pos;
    st.bytes += w.pos;
    st.lastSent = count;
    st.lastDeferred = deferred;
    st.entered += entered;
    st.left += client.leaving.length;
    if (leaving !== 0) empty(client.leaving);
    return this.view(w.pos);
  }

  /**
   * Takes the client's entities entering lite (records.ts `Lite`) for this frame to send whole:
   * each it still holds as `LITE_ENTERING` becomes `LITE_KNOWN`, once (a slot listed twice left
   * and came back), is encoded (bytes shared by every frame it enters this tick), and goes whole
   * instead of through the direct list if that claimed it too. Returns how many, in `liteSlots`.
   */
  private takeEntering(client: RoomClient<unknown>, mark: number, claim: DirectClaim): number {
    const n = client.enterN;
    client.enterN = 0;
    if (this.liteSlots.length < n) {
      const cap = Math.max(n, this.liteSlots.length * 2);
      this.liteSlots = new Int32Array(cap);
      this.liteStart = new Int32Array(cap);
      this.liteEnd = new Int32Array(cap);
    }
    const slots = client.enterSlots;
    const I = this.table.i32;
    const entries = client.entries;
    const span = this.span;
    let m = 0;
    // By the row alone, not the record (a cache miss per entering entity): a removed entity is
    // out of every client's entries before any frame (`Interest.leaveAll`), so the swap fails
    // for it, and ids are never reused.
    for (let k = 0; k < n; k++) {
      const slot = slots[k]!;
      const row = slot * ROW_I32;
      if (!entries.swap(I[row + I_ID]!, LITE_ENTERING, LITE_KNOWN)) continue;
      if (I[row + I_MARK] === mark) {
        I[row + I_MARK] = 0;
        claim.claimed--;
      }
      this.enc.wholeSlice(slot, span);
      this.liteSlots[m] = slot;
      this.liteStart[m] = span.start;
      this.liteEnd[m] = span.end;
      m++;
    }
    return m;
  }

  /** The client's entities entering lite, made view entries (pending), for a frame that selects by budget. */
  private adoptEntering(client: RoomClient<unknown>): void {
    const n = client.enterN;
    client.enterN = 0;
    const recs = this.table.recs;
    for (let k = 0; k < n; k++) {
      const rec = recs[client.enterSlots[k]!];
      if (rec === null || rec === undefined || !rec.live) continue;
      const held = client.entries.get(rec.id);
      if (held === LITE_ENTERING) adopt(client, rec, LITE_ENTERING, this.pool);
    }
  }

  /**
   * The frame's bytes, [0, n) of the frame writer: one view per length, kept while the writer's
   * buffer is the same, so a frame allocates no view (about 50 ns each, and garbage, per client
   * per tick). The bytes are valid only until the next frame is built, as before.
   */
  private view(n: number): Uint8Array {
    const buf = this.frame.buf;
    if (this.viewsOf !== buf) {
      this.views.length = 0;
      this.viewsOf = buf;
    }
    if (n >= VIEW_CACHE) return buf.subarray(0, n);
    let v = this.views[n];
    if (v === undefined) v = this.views[n] = buf.subarray(0, n);
    return v;
  }
}
