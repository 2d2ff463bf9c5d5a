/**
 * An order-independent checksum of a client's entities (id, x, y, hp), computed alike by the
 * server from its view entries and by a bot from its replica. x and y enter as their f32 bits,
 * which is what the wire carries.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x9e3779b1);
  return (h ^ (h >>> 15)) >>> 0;
}

export function entityHash(id: number, x: number, y: number, hp: number): number {
  f32[0] = x;
  let h = mix(id, u32[0]!);
  f32[0] = y;
  h = mix(h, u32[0]!);
  return mix(h, hp);
}

export function addHash(sum: number, h: number): number {
  return (sum + h) >>> 0;
}
