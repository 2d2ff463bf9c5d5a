/** Pings kept in flight: a pong older than this many later pings no longer counts. */
const PINGS = 8;

/** Counters of one Connection, across its reconnects. */
export class ConnectionStats {
  /** Bytes of every WebSocket message received / sent. */
  bytesIn = 0;
  bytesOut = 0;
  /** WebSocket messages received / sent, of every kind (frames included). */
  messagesIn = 0;
  messagesOut = 0;
  /** State frames applied. */
  framesIn = 0;
  /** Round trip of the last answered ping, in ms (0 until the first pong). */
  rtt = 0;
  /** Moving average of `rtt`: each sample moves it 1/8 of the way (as TCP's SRTT). */
  rttSmoothed = 0;

  // Frames per wall-clock second: a counter for the current second and the one before it.
  private second = -Infinity;
  private inSecond = 0;
  private inPrevious = 0;
  private readonly pingAt = new Float64Array(PINGS);
  private lastPing = 0;

  constructor(private readonly now: () => number) {}

  /** Frames received during the last full second. */
  get fps(): number {
    const s = Math.floor(this.now() / 1000);
    if (s === this.second) return this.inPrevious;
    if (s === this.second + 1) return this.inSecond;
    return 0;
  }

  /** @internal Counts an applied frame. */
  frame(): void {
    this.framesIn++;
    const s = Math.floor(this.now() / 1000);
    if (s !== this.second) {
      this.inPrevious = s === this.second + 1 ? this.inSecond : 0;
      this.inSecond = 0;
      this.second = s;
    }
    this.inSecond++;
  }

  /** @internal Notes a ping going out; returns its id. */
  ping(): number {
    const id = ++this.lastPing;
    this.pingAt[id % PINGS] = this.now();
    return id;
  }

  /** @internal A pong: updates the RTT if it answers one of the recent pings. */
  pong(id: number): boolean {
    if (!(id <= this.lastPing && id > this.lastPing - PINGS && id > 0)) return false;
    const rtt = this.now() - this.pingAt[id % PINGS]!;
    this.rtt = rtt;
    this.rttSmoothed = this.rttSmoothed === 0 ? rtt : this.rttSmoothed + (rtt - this.rttSmoothed) / 8;
    return true;
  }
}
