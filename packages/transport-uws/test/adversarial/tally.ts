/**
 * The checksum a room sends and a client checks: order-free (a sum of per-entity hashes) over
 * what a client sees of every entity (position, name length, mood), plus the entity count.
 * Positions are integers (steps are whole units), so f32 replicas hold them exactly.
 */
export interface Tallied {
  x: number;
  y: number;
  name: string;
  mood: number;
}

export function tallyOf(entities: Iterable<Tallied>): number {
  let sum = 0;
  let count = 0;
  for (const e of entities) {
    let h = Math.imul((e.x | 0) ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ (e.y | 0), 0xc2b2ae35);
    h = Math.imul(h ^ (e.name.length << 8) ^ e.mood, 0x27d4eb2f);
    sum = (sum + (h ^ (h >>> 15))) >>> 0;
    count++;
  }
  return (sum + Math.imul(count, 0x01000193)) >>> 0;
}
