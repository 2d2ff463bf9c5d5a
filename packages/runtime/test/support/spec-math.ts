/**
 * The quantization formulas of docs/wire-format.md, written from the spec for the test-side
 * reference encoder and replica projection (never imported by the runtime or the emitter).
 */
export interface QuantSpec { min: number; max: number; bits: number }
export interface AngleSpec { bits: number; unit: string }

/** q = round((v - min) / step) clamped to [0, 2^bits - 1]; NaN gives 0. */
export function quantIndex(v: number, { min, max, bits }: QuantSpec): number {
  const steps = 2 ** bits - 1;
  const q = Math.round((v - min) / ((max - min) / steps));
  return Number.isNaN(q) ? 0 : Math.min(steps, Math.max(0, q));
}

export function quantValue(q: number, { min, max, bits }: QuantSpec): number {
  return min + q * ((max - min) / (2 ** bits - 1));
}

/** q = round(v * steps / turn) wrapped to [0, steps); -0 becomes 0. */
export function angleIndex(v: number, { bits, unit }: AngleSpec): number {
  const steps = 2 ** bits;
  const turn = unit === 'deg' ? 360 : 2 * Math.PI;
  let q = Math.round(v * (steps / turn)) % steps;
  if (q < 0) q += steps;
  return q + 0;
}

export function angleValue(q: number, { bits, unit }: AngleSpec): number {
  return q * ((unit === 'deg' ? 360 : 2 * Math.PI) / 2 ** bits);
}
