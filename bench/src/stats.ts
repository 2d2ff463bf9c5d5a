import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Nanoseconds from a monotonic clock. */
export const now = (): bigint => process.hrtime.bigint();

/** Milliseconds between two `now()` readings. */
export const ms = (a: bigint, b: bigint): number => Number(b - a) / 1e6;

export interface Summary {
  median: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN };
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
}

/** A full garbage collection, so one target's garbage is not collected on another's clock. */
export const collectGarbage: () => void = (() => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Three significant digits, no exponent, thousands grouped for large integers. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a >= 0.1) return v.toFixed(3);
  return v.toPrecision(3);
}

/** Rounds for the JSON line: integers (byte counts) stay exact; others keep 4 significant digits, or one decimal from 1000 up. */
export function round4(v: number): number {
  if (!Number.isFinite(v) || Number.isInteger(v)) return v;
  return Math.abs(v) >= 1000 ? Math.round(v * 10) / 10 : Number(v.toPrecision(4));
}
