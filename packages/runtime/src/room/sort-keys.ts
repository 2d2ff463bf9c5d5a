// Packed numeric sort keys: an entity id and an index in one double, so a typed array sort orders
// entities by id without objects or comparators.

/** Keys pack an entity id with an index below this: ids below 2^32 keep them exact. */
export const KEY_SPAN = 1 << 20;

/**
 * Sorts keys in place. Changes arrive in the order the game wrote them, often nearly sorted, and
 * a frame holds tens of them: insertion sort beats the native sort's setup there.
 */
export function sortKeys(keys: Float64Array, n: number): void {
  if (n > 96) {
    // Often already in order (a join's entering entities arrive by id): one pass tells.
    let i = 1;
    while (i < n && keys[i - 1]! <= keys[i]!) i++;
    if (i < n) keys.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > v) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = v;
  }
}
