import type { ClassBytes, FrameBytes } from './frame-bytes.js';

/** One second of one client's sampled frames. */
class Bucket {
  second = -1;
  frames = 0;
  bytes = 0;
  header = 0;
  unattributed = 0;
  classes = new Map<string, ClassBytes>();
  /** The client's counters when the second began: bytes and frames per second come from them. */
  bytesOut = 0;
  framesOut = 0;
}

export interface ClassRow {
  name: string;
  bytes: number;
  records: number;
  overhead: number;
  fields: { name: string; bytes: number; shared: number; records: number }[];
}

export interface TrafficSummary {
  /** Seconds the summary covers (the current partial second included). */
  seconds: number;
  bytesPerSecond: number;
  framesPerSecond: number;
  sampled: { frames: number; bytes: number; header: number; unattributed: number };
  classes: ClassRow[];
}

/**
 * A client's traffic over the last few seconds, in one-second buckets: its byte and frame
 * counters (for rates) and the attribution of the frames sampled in each second.
 */
export class TrafficWindow {
  private readonly buckets: Bucket[];

  constructor(
    readonly seconds: number,
    /** Frames attributed per second at most. */
    readonly samplesPerSecond: number,
  ) {
    this.buckets = Array.from({ length: seconds + 1 }, () => new Bucket());
  }

  private bucket(second: number, bytesOut: number, framesOut: number): Bucket {
    const b = this.buckets[second % this.buckets.length]!;
    if (b.second !== second) {
      b.second = second;
      b.frames = b.bytes = b.header = b.unattributed = 0;
      b.classes = new Map();
      b.bytesOut = bytesOut;
      b.framesOut = framesOut;
    }
    return b;
  }

  /** Whether a frame sent now should be attributed (the second's sample budget is not spent); opens the second. */
  wants(nowMs: number, bytesOut: number, framesOut: number): boolean {
    return this.bucket(Math.floor(nowMs / 1000), bytesOut, framesOut).frames < this.samplesPerSecond;
  }

  /** The classes map to add this second's sample into. */
  classesAt(nowMs: number): Map<string, ClassBytes> {
    return this.buckets[Math.floor(nowMs / 1000) % this.buckets.length]!.classes;
  }

  add(nowMs: number, frame: FrameBytes): void {
    const b = this.buckets[Math.floor(nowMs / 1000) % this.buckets.length]!;
    b.frames++;
    b.bytes += frame.total;
    b.header += frame.header;
    b.unattributed += frame.unattributed;
  }

  /** Notes the counters at `nowMs` (called on every snapshot, so rates have a start even without frames). */
  touch(nowMs: number, bytesOut: number, framesOut: number): void {
    this.bucket(Math.floor(nowMs / 1000), bytesOut, framesOut);
  }

  summary(nowMs: number, bytesOut: number, framesOut: number): TrafficSummary {
    const now = Math.floor(nowMs / 1000);
    const live = this.buckets.filter((b) => b.second >= 0 && b.second > now - this.buckets.length && b.second <= now);
    const oldest = live.reduce<Bucket | null>((o, b) => (o === null || b.second < o.second ? b : o), null);
    const elapsed = oldest === null ? 0 : nowMs / 1000 - oldest.second;
    const sampled = { frames: 0, bytes: 0, header: 0, unattributed: 0 };
    const classes = new Map<string, ClassRow>();
    const fields = new Map<string, Map<string, ClassRow['fields'][number]>>();
    for (const b of live) {
      sampled.frames += b.frames;
      sampled.bytes += b.bytes;
      sampled.header += b.header;
      sampled.unattributed += b.unattributed;
      for (const [name, c] of b.classes) {
        let row = classes.get(name);
        if (row === undefined) {
          classes.set(name, (row = { name, bytes: 0, records: 0, overhead: 0, fields: [] }));
          fields.set(name, new Map());
        }
        row.bytes += c.bytes;
        row.records += c.records;
        row.overhead += c.overhead;
        const fm = fields.get(name)!;
        for (const [fname, f] of c.fields) {
          let fr = fm.get(fname);
          if (fr === undefined) {
            fm.set(fname, (fr = { name: fname, bytes: 0, shared: 0, records: 0 }));
            row.fields.push(fr);
          }
          fr.bytes += f.bytes;
          fr.shared += f.shared;
          fr.records += f.records;
        }
      }
    }
    const rows = [...classes.values()].sort((a, b) => b.bytes - a.bytes);
    for (const row of rows) row.fields.sort((a, b) => b.bytes + b.shared - (a.bytes + a.shared));
    return {
      seconds: elapsed,
      bytesPerSecond: elapsed > 0 && oldest ? (bytesOut - oldest.bytesOut) / elapsed : 0,
      framesPerSecond: elapsed > 0 && oldest ? (framesOut - oldest.framesOut) / elapsed : 0,
      sampled,
      classes: rows,
    };
  }
}
