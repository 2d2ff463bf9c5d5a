import { LoadRoom, type LoadRoomOptions } from '../load/load-room.js';

/** One tick of one room: when it started (performance.now()) and how long it took (ms). */
export interface TickSample {
  start: number;
  ms: number;
}

/**
 * The load scenario's room as a cluster places it: created by whichever join comes first, so its
 * world comes from the node's configuration, not from the join's options (those carry the
 * bot's view center, as in bench:load). Also records when each measured tick started.
 */
export function clusterLoadRoomType(world: LoadRoomOptions): typeof ClusterLoadRoom {
  return class extends ClusterLoadRoom {
    override onCreate(): void {
      super.onCreate(world);
    }
  };
}

export class ClusterLoadRoom extends LoadRoom {
  readonly starts: number[] = [];

  override tick(): void {
    const t0 = performance.now();
    super.tick();
    if (this.recording) this.starts.push(t0);
  }

  /** Starts recording afresh. */
  record(): void {
    this.durations.length = 0;
    this.sendDurations.length = 0;
    this.frameCounts.length = 0;
    this.starts.length = 0;
    this.recording = true;
  }

  samples(): TickSample[] {
    this.recording = false;
    return this.starts.map((start, i) => ({ start, ms: this.durations[i]! }));
  }
}

/**
 * Room ticks of one node grouped into event-loop turns: rooms whose timers fall due together
 * tick back to back, and the loop is held for all of them. A tick that starts within `gapMs` of
 * the previous one's end joins its turn; a turn lasts from its first start to its last end. With
 * one room per node a turn is that room's tick (plus its checksum pass, outside the tick).
 */
export function turns(samples: readonly TickSample[], gapMs = 1): number[] {
  const s = [...samples].sort((a, b) => a.start - b.start);
  const out: number[] = [];
  let first = NaN;
  let end = -Infinity;
  for (const t of s) {
    if (t.start - end > gapMs) {
      if (end > -Infinity) out.push(end - first);
      first = t.start;
    }
    end = Math.max(end, t.start + t.ms);
  }
  if (end > -Infinity) out.push(end - first);
  return out;
}
