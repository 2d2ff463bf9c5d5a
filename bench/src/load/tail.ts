/**
 * Where bench:load's slowest ticks spend their time: the garbage collector's pauses inside them
 * (from `PerformanceObserver` 'gc' entries, main-thread pauses only) and how many frames they
 * carried against the average tick (a tick that runs late finds more clients due: phases lining
 * up). The sends' share is reported beside it from the ticks' own split.
 */
import { PerformanceObserver } from 'node:perf_hooks';

export interface TailReport {
  /** Main-thread GC pauses while measuring, total and as a share of the measured time. */
  gc_ms: number;
  gc_percent: number;
  gc_max_pause_ms: number;
  /** Ticks at or above the p99 duration. */
  slow_ticks: number;
  /** Of those, how many had a GC pause inside them, and their mean GC time. */
  slow_ticks_with_gc: number;
  slow_tick_gc_ms_mean: number;
  /** Mean frames of the slow ticks, and of all ticks. */
  slow_tick_frames_mean: number;
  tick_frames_mean: number;
}

export class TailWatch {
  private readonly pauses: number[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.pauses.push(e.startTime, e.startTime + e.duration);
  });

  start(): void {
    this.pauses.length = 0;
    this.observer.observe({ entryTypes: ['gc'] });
  }

  stop(): void {
    this.observer.disconnect();
  }

  /** `durations[i]` ms of tick i, which ended at `ends[i]` (performance.now()), with `frames[i]` frames. */
  report(durations: readonly number[], ends: readonly number[], frames: readonly number[], seconds: number): TailReport {
    const p = this.pauses;
    let gc = 0;
    let maxPause = 0;
    for (let i = 0; i < p.length; i += 2) {
      gc += p[i + 1]! - p[i]!;
      maxPause = Math.max(maxPause, p[i + 1]! - p[i]!);
    }
    const sorted = [...durations].sort((a, b) => a - b);
    const p99 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]! : Infinity;
    let slow = 0;
    let withGc = 0;
    let slowGc = 0;
    let slowFrames = 0;
    for (let i = 0; i < durations.length; i++) {
      if (durations[i]! < p99) continue;
      slow++;
      slowFrames += frames[i]!;
      const from = ends[i]! - durations[i]!;
      let inside = 0;
      for (let k = 0; k < p.length; k += 2) inside += Math.max(0, Math.min(p[k + 1]!, ends[i]!) - Math.max(p[k]!, from));
      if (inside > 0) withGc++;
      slowGc += inside;
    }
    return {
      gc_ms: gc,
      gc_percent: (100 * gc) / 1000 / seconds,
      gc_max_pause_ms: maxPause,
      slow_ticks: slow,
      slow_ticks_with_gc: withGc,
      slow_tick_gc_ms_mean: slow ? slowGc / slow : 0,
      slow_tick_frames_mean: slow ? slowFrames / slow : 0,
      tick_frames_mean: frames.length ? frames.reduce((a, b) => a + b, 0) / frames.length : 0,
    };
  }
}
