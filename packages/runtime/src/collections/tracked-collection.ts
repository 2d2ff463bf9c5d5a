import { initSlots, markDirty, type Tracked, type TrackedParent } from '../tracking/tracked.js';

/**
 * What NetArray and NetMap share: the tracking slots (created first, in the same order as on
 * schema objects) and the once-per-tick enqueue.
 */
export abstract class TrackedCollection implements TrackedParent {
  declare $t: Tracked[] | null;
  declare $p: TrackedParent | null;
  declare $pk: number | string;
  declare $q: boolean;
  declare $c0: number;
  declare $c1: number;
  declare $r0: number;
  declare $r1: number;
  declare $id: number;
  declare $ext: unknown;

  constructor() {
    initSlots(this);
  }

  /** Records that this collection changed this tick. */
  protected changed(): void {
    if (!this.$q) markDirty(this);
  }

  abstract $childChanged(key: number | string): void;
  abstract $clear(): void;
  abstract $children(fn: (child: Tracked) => void): void;
}
