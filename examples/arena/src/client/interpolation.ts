// Snapshot interpolation: each entity's recent positions from server frames, stamped with the
// server's time, and a render clock that runs a little behind the newest frame so there are
// (almost) always two frames around the moment being drawn.
import { angleDelta } from '../rules.js';

export interface Pose {
  x: number;
  y: number;
  angle: number;
}

interface Sample extends Pose {
  t: number;
}

/** Frames kept per entity: about 1.5 s at 20 Hz. */
const KEEP = 32;

/** One entity's samples, oldest first. */
export class Track {
  readonly samples: Sample[] = [];

  push(t: number, x: number, y: number, angle: number): void {
    const s = this.samples;
    const last = s[s.length - 1];
    if (last !== undefined && t <= last.t) {
      // The same frame again (or one from before a reset): keep the newest value for that time.
      if (t === last.t) Object.assign(last, { x, y, angle });
      return;
    }
    s.push(s.length >= KEEP ? Object.assign(s.shift()!, { t, x, y, angle }) : { t, x, y, angle });
  }

  /** The pose at server time `t`: interpolated between the frames around it, held at either end. */
  at(t: number, out: Pose): Pose | null {
    const s = this.samples;
    const n = s.length;
    if (n === 0) return null;
    if (t <= s[0]!.t) return Object.assign(out, { x: s[0]!.x, y: s[0]!.y, angle: s[0]!.angle });
    const last = s[n - 1]!;
    if (t >= last.t) return Object.assign(out, { x: last.x, y: last.y, angle: last.angle });
    let i = n - 1;
    while (s[i - 1]!.t > t) i--;
    const a = s[i - 1]!;
    const b = s[i]!;
    const k = (t - a.t) / (b.t - a.t);
    out.x = a.x + (b.x - a.x) * k;
    out.y = a.y + (b.y - a.y) * k;
    out.angle = a.angle + angleDelta(a.angle, b.angle) * k;
    return out;
  }
}

/**
 * The time the client draws at, in server milliseconds: `delay` behind the newest frame. It runs
 * at the local clock's pace and eases toward that target (network jitter and a server whose
 * ticks are not exactly 1/tickRate apart move the target; the drawing should not jump with it).
 */
export class RenderClock {
  /** Server time of the newest frame, and when it arrived (local ms). */
  private newest = NaN;
  private arrived = 0;
  private time = NaN;

  constructor(readonly delay: number) {}

  frame(serverMs: number, now: number): void {
    if (!(serverMs <= this.newest)) {
      this.newest = serverMs;
      this.arrived = now;
    }
  }

  /** Advances to local time `now` (ms) after `dt` ms; returns the server time to draw. */
  advance(now: number, dt: number): number {
    if (Number.isNaN(this.newest)) return NaN;
    const target = this.newest + (now - this.arrived) - this.delay;
    if (Number.isNaN(this.time) || Math.abs(target - this.time) > 500) this.time = target;
    else {
      this.time += dt;
      this.time += (target - this.time) * Math.min(1, dt / 250);
    }
    return this.time;
  }

  /** Forget everything (a reset frame: a new room or a resumed session that restarted). */
  reset(): void {
    this.newest = NaN;
    this.time = NaN;
  }
}

/** Tracks of every entity the client draws interpolated, by entity id. */
export class Interpolator {
  readonly tracks = new Map<number, Track>();

  record(id: number, t: number, x: number, y: number, angle: number): void {
    let tr = this.tracks.get(id);
    if (tr === undefined) this.tracks.set(id, (tr = new Track()));
    tr.push(t, x, y, angle);
  }

  forget(id: number): void {
    this.tracks.delete(id);
  }

  at(id: number, t: number, out: Pose): Pose | null {
    return this.tracks.get(id)?.at(t, out) ?? null;
  }
}
