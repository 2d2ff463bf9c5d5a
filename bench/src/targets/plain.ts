import type { ArenaFixture, TickMoves } from '../fixtures.js';
import { HOT } from './target.js';

/** The baseline for field writes: the same entity as a plain object, no tracking. */
export interface PlainEntity {
  x: number;
  y: number;
  angle: number;
  hp: number;
  name: string;
}

export function buildPlain(fx: ArenaFixture): PlainEntity[] {
  const s = fx.initial;
  return Array.from({ length: s.x.length }, (_, i) => ({ x: s.x[i]!, y: s.y[i]!, angle: s.angle[i]!, hp: s.hp[i]!, name: s.name[i]! }));
}

/** The same loop as the targets' write loops, on plain objects. */
export function writePlain(es: PlainEntity[], m: TickMoves): void {
  const idx = m.idx;
  const v = m.xya;
  for (let k = 0; k < idx.length; k++) {
    const e = es[idx[k]!]!;
    e.x = v[3 * k]!;
    e.y = v[3 * k + 1]!;
    e.angle = v[3 * k + 2]!;
  }
}

/** The hot loop of the targets, on plain objects. */
export function hotPlain(es: PlainEntity[], rounds: number): void {
  for (let r = 0; r < rounds; r++) {
    const x = r * 0.5;
    const y = r * 0.25 + 1;
    const a = (r & 7) * 0.5;
    for (let i = 0; i < HOT; i++) {
      const e = es[i]!;
      e.x = x;
      e.y = y;
      e.angle = a;
    }
  }
}
