import { describe, expect, it } from 'vitest';
import { GridCell, VIEW_FIELDS } from '../src/room/spatial-grid.js';
import { Rng } from '@netschema/test-fixtures/support/rng';

// A grid cell keeps a copy of each watcher's view beside it, which a moved entity is tested
// against; the copy must follow the watchers through every add, swap-removal and view change.
describe('GridCell watchers and their views', () => {
  it('keep each watcher beside its own view, and count the box views, over seeded random changes', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Rng(seed);
      const cell = new GridCell<string, string>(0);
      const slots = 40;
      // The room's table of views by client slot: a box, or a NaN centre.
      const views = new Float64Array(slots * VIEW_FIELDS).fill(NaN);
      const setView = (slot: number, box: boolean) => {
        for (let k = 0; k < VIEW_FIELDS; k++) views[slot * VIEW_FIELDS + k] = box ? slot * 100 + k : NaN;
      };
      const watching = new Set<number>();
      for (let step = 0; step < 400; step++) {
        const slot = rng.nextInt(0, slots - 1);
        const roll = rng.nextInt(0, 2);
        if (roll === 0 && !watching.has(slot)) {
          setView(slot, rng.nextInt(0, 1) === 0);
          cell.watch(`c${slot}`, slot, views);
          watching.add(slot);
        } else if (roll === 1 && watching.has(slot)) {
          cell.unwatch(`c${slot}`);
          watching.delete(slot);
        } else if (watching.has(slot)) {
          setView(slot, rng.nextInt(0, 1) === 0);
          cell.updateView(slot, views);
        }
        expect(cell.watchers.length).toBe(watching.size);
        let boxes = 0;
        for (let i = 0; i < cell.watchers.length; i++) {
          const s = cell.slots[i]!;
          expect(cell.watchers[i]).toBe(`c${s}`);
          const held = Array.from(cell.views.subarray(i * VIEW_FIELDS, (i + 1) * VIEW_FIELDS));
          expect(held).toEqual(Array.from(views.subarray(s * VIEW_FIELDS, (s + 1) * VIEW_FIELDS)));
          if (!Number.isNaN(held[0])) boxes++;
        }
        expect(cell.boxes).toBe(boxes);
      }
    }
  });
});
