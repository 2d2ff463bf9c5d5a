// When each client's next frame is due.
import type { RoomClient } from './records.js';

/** A client's frame phase in (0, 1]: golden-ratio steps spread any number of clients evenly. */
const phaseOf = (id: number): number => 1 - ((id * 0.6180339887498949) % 1);

/**
 * Moves a due client's next frame time past `now`; returns the time it was due (to put back if
 * its frame is not sent after all). After the first frame (sent at once), each client's cadence
 * gets its own phase: when the room ticks faster than clients receive, their frames spread over
 * the ticks instead of all landing on one. After a stall, the missed slots are skipped but the
 * phase kept, or one slow tick would line every client up on the same ticks from then on.
 */
export function advanceDue(c: RoomClient<unknown>, now: number): number {
  const due = c.nextDue;
  let next = c.nextDue + c.interval;
  if (c.nextDue === -Infinity) next = now + c.interval * phaseOf(c.id);
  else if (next <= now) next += (Math.floor((now - next) / c.interval) + 1) * c.interval;
  c.nextDue = next;
  return due;
}
