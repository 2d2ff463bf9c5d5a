import { angle, f32, quantized, schema, string, u8 } from '@netschema/runtime';

/**
 * The arena benchmark entity at full width: x, y, angle as f32, hp as u8, and a name.
 * Kept identical to test/fixtures/schemas/arena.ts so the bench measures the tested schema.
 */
@schema
export class Entity {
  @f32 accessor x = 0;
  @f32 accessor y = 0;
  @f32 accessor angle = 0;
  @u8 accessor hp = 100;
  @string accessor name = '';
}

/** The same entity quantized: x, y to 16 bits over the 1000-unit world, angle (radians) to 8 bits. */
@schema
export class QuantEntity {
  @quantized({ min: 0, max: 1000, bits: 16 }) accessor x = 0;
  @quantized({ min: 0, max: 1000, bits: 16 }) accessor y = 0;
  @angle(8) accessor angle = 0;
  @u8 accessor hp = 100;
  @string accessor name = '';
}
