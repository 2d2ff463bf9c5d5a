// A small net graph: round-trip time, bytes per second each way, frames per second, and the last
// 50 samples of bytes in (bars) and RTT (line).
import type { ConnectionStats } from '@netschema/runtime/client';

export interface NetSample {
  rtt: number;
  inPerSec: number;
  outPerSec: number;
  fps: number;
  renderFps: number;
}

const HISTORY = 50;

export class NetGraph {
  readonly history: NetSample[] = [];
  last: NetSample = { rtt: 0, inPerSec: 0, outPerSec: 0, fps: 0, renderFps: 0 };
  private prevAt = NaN;
  private prevIn = 0;
  private prevOut = 0;
  private prevRendered = 0;

  /** Takes a sample (call it about twice a second). */
  sample(now: number, stats: ConnectionStats, rendered: number): NetSample {
    if (!Number.isNaN(this.prevAt) && now > this.prevAt) {
      const dt = (now - this.prevAt) / 1000;
      this.last = {
        rtt: stats.rtt,
        inPerSec: (stats.bytesIn - this.prevIn) / dt,
        outPerSec: (stats.bytesOut - this.prevOut) / dt,
        fps: stats.fps,
        renderFps: (rendered - this.prevRendered) / dt,
      };
      this.history.push(this.last);
      if (this.history.length > HISTORY) this.history.shift();
    }
    this.prevAt = now;
    this.prevIn = stats.bytesIn;
    this.prevOut = stats.bytesOut;
    this.prevRendered = rendered;
    return this.last;
  }

  text(): string {
    const s = this.last;
    const kb = (b: number) => (b >= 1024 ? `${(b / 1024).toFixed(1)} kB/s` : `${Math.round(b)} B/s`);
    return `RTT ${s.rtt.toFixed(1)} ms · in ${kb(s.inPerSec)} · out ${kb(s.outPerSec)} · ${s.fps} frames/s · ${Math.round(s.renderFps)} fps`;
  }

  draw(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    ctx.clearRect(0, 0, width, height);
    const h = this.history;
    if (h.length === 0) return;
    const maxIn = Math.max(256, ...h.map((s) => s.inPerSec));
    const maxRtt = Math.max(20, ...h.map((s) => s.rtt));
    const w = width / HISTORY;
    ctx.fillStyle = '#5e81ac';
    h.forEach((s, i) => {
      const bh = (s.inPerSec / maxIn) * (height - 2);
      ctx.fillRect(i * w, height - bh, Math.max(1, w - 1), bh);
    });
    ctx.strokeStyle = '#ebcb8b';
    ctx.lineWidth = 1;
    ctx.beginPath();
    h.forEach((s, i) => {
      const y = height - 1 - (s.rtt / maxRtt) * (height - 2);
      if (i === 0) ctx.moveTo(i * w + w / 2, y);
      else ctx.lineTo(i * w + w / 2, y);
    });
    ctx.stroke();
  }
}
