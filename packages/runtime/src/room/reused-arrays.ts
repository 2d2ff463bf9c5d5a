// Arrays the tick empties and fills again, tick after tick.

/**
 * Empties a reused array and keeps its storage. `list.length = 0` makes V8 drop the backing
 * store, so the next pushes allocate it anew, growing in steps: about 500 bytes for 20 entries,
 * per list per tick. Popping keeps it; the lists the tick empties are short.
 */
export function empty(list: unknown[]): void {
  while (list.length !== 0) list.pop();
}
