/** What a numeric option may be: at least `min` (or above `above`), at most `max`. */
export interface NumberRange {
  min?: number;
  /** Exclusive lower bound, for options that must be positive but may be fractional. */
  above?: number;
  max?: number;
  /** Refuse Infinity (budgets may be unlimited; rates may not). */
  finite?: boolean;
}

/**
 * A numeric option, or its default when absent. Anything outside its range (NaN included) is
 * refused with the option's name, where it was given, what was expected and what came.
 */
export function numberOption(where: string, name: string, value: number | undefined, fallback: number, range: NumberRange): number {
  if (value === undefined) return fallback;
  const { min = -Infinity, above, max = Infinity, finite = false } = range;
  const ok = typeof value === 'number' && value >= min && (above === undefined || value > above) && value <= max && (!finite || Number.isFinite(value));
  if (!ok) {
    const parts = [above !== undefined ? `greater than ${above}` : min > -Infinity ? `at least ${min}` : '', max < Infinity ? `at most ${max}` : '', finite ? 'finite' : ''];
    throw new RangeError(`${where}: ${name} must be a number ${parts.filter(Boolean).join(', ')}; got ${String(value)}`);
  }
  return value;
}
