import { describe, expect, it } from 'vitest';
import { GridCell, SpatialGrid, VIEW_FIELDS } from '../src/room/spatial-grid.js';
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

// An entity crossing into a neighbouring cell follows its old cell's link instead of the grid's
// map (`SpatialGrid.recell`); a cell left empty is dropped with its links. Whatever the order of
// crossings, drops and jumps, each entity must sit in the live cell the map gives for its place.
describe('SpatialGrid crossings', () => {
  it.each([2, 3] as const)('keep every entity in the live cell of its position, with links only between live neighbours (%iD)', (dims) => {
    for (let seed = 1; seed <= 10; seed++) {
      const rng = new Rng(seed);
      const grid = new SpatialGrid<number, string>(10, dims);
      const n = 40;
      // Each entity's row: x, y, z, cell key (as the room's table keeps them).
      const F = new Float64Array(n * 4);
      const cellOf: GridCell<number, string>[] = [];
      const at = new Int32Array(n);
      const place = (e: number) => {
        const cell = grid.cell((F[e * 4 + 3] = grid.keyAt(F[e * 4]!, F[e * 4 + 1]!, F[e * 4 + 2]!)));
        cellOf[e] = cell;
        at[e] = cell.addEntityAt(e, e, F, e * 4);
      };
      const leave = (e: number) => {
        const moved = cellOf[e]!.removeAt(at[e]!);
        if (moved >= 0) at[moved] = at[e]!;
      };
      for (let e = 0; e < n; e++) {
        for (let a = 0; a < dims; a++) F[e * 4 + a] = rng.nextDouble() * 50;
        place(e);
      }
      for (let step = 0; step < 600; step++) {
        const e = rng.nextInt(0, n - 1);
        // Mostly a step to a neighbouring cell or within one; now and then a jump across the world.
        const jump = rng.nextInt(0, 9) === 0;
        for (let a = 0; a < dims; a++) F[e * 4 + a] = jump ? rng.nextDouble() * 50 : Math.max(0, Math.min(50, F[e * 4 + a]! + (rng.nextDouble() - 0.5) * 16));
        if (grid.keyAt(F[e * 4]!, F[e * 4 + 1]!, F[e * 4 + 2]!) === F[e * 4 + 3]) continue;
        leave(e);
        const cell = grid.recell(cellOf[e]!, F, e * 4, e * 4 + 3);
        cellOf[e] = cell;
        at[e] = cell.addEntityAt(e, e, F, e * 4);
        for (let k = 0; k < n; k++) {
          const key = grid.keyAt(F[k * 4]!, F[k * 4 + 1]!, F[k * 4 + 2]!);
          expect(F[k * 4 + 3], `seed ${seed}, step ${step}: entity ${k}'s key`).toBe(key);
          expect(grid.cells.get(key), `seed ${seed}, step ${step}: entity ${k}'s cell`).toBe(cellOf[k]);
          expect(cellOf[k]!.entitySlots[at[k]!]).toBe(k);
        }
        for (const [key, c] of grid.cells) {
          expect(c.entities.length, `seed ${seed}, step ${step}: an empty cell was kept`).toBeGreaterThan(0);
          expect(grid.byIndex[c.index]).toBe(c);
          expect(grid.key(c.cx, c.cy, c.cz)).toBe(key);
          for (let i = 0; i < 27; i++) {
            const d = c.near?.[i] ?? null;
            if (d === null) continue;
            // A live neighbour, linked back, at the offset its place says.
            expect(grid.cells.get(grid.key(d.cx, d.cy, d.cz))).toBe(d);
            expect(d.near![26 - i]).toBe(c);
            expect([d.cx - c.cx, d.cy - c.cy, d.cz - c.cz]).toEqual([(i % 3) - 1, (Math.floor(i / 3) % 3) - 1, Math.floor(i / 9) - 1]);
          }
        }
      }
    }
  });
});
