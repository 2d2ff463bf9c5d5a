/**
 * How field indices map to the two 32-bit mask words every per-field mask uses: the change masks
 * `c0`/`c1` and `r0`/`r1`, a patch's changed-field masks, and a codec's `masks`. Bit `i & 31` of
 * word `i >> 5` is field `i`, so a class holds at most 64 fields (`LIMITS.maxFieldsPerClass`).
 */

/** The word (0 or 1) that holds field `index`. */
export function maskWord(index: number): number {
  return index >> 5;
}

/** Field `index`'s bit within its word, unsigned (`0x80000000` for bit 31). */
export function maskBit(index: number): number {
  return (1 << (index & 31)) >>> 0;
}

/** The two words, unsigned, with the bits of the given field indices set. */
export function fieldMask(indices: Iterable<number>): [w0: number, w1: number] {
  const words: [number, number] = [0, 0];
  for (const i of indices) words[maskWord(i)] = (words[maskWord(i)]! | maskBit(i)) >>> 0;
  return words;
}
