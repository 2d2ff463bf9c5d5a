// The browser client's pure parts, in Node: prediction and reconciliation, snapshot
// interpolation, the render clock, and the shared rules.
import { describe, expect, it } from 'vitest';
import { Interpolator, RenderClock, Track } from '../src/client/interpolation.js';
import { Predictor } from '../src/client/prediction.js';
import { angleDelta, applyInput, PLAYER_RADIUS, PLAYER_SPEED, rayHit, STEP_MS, WORLD_SIZE } from '../src/rules.js';

describe('prediction and reconciliation', () => {
  const step = (PLAYER_SPEED * STEP_MS) / 1000;

  it('applies inputs at once and replays the unacknowledged ones on top of the server position', () => {
    const p = new Predictor();
    p.reset(100, 100);
    p.input(1, 1, 0);
    p.input(2, 1, 0);
    p.input(3, 0, 1);
    expect(p.x).toBeCloseTo(100 + 2 * step);
    expect(p.y).toBeCloseTo(100 + step);
    // The server has applied inputs 1 and 2 (same rules, so the same position): input 3 is replayed.
    p.reconcile(100 + 2 * step, 100, 2);
    expect(p.pending.map((i) => i.seq)).toEqual([3]);
    expect(p.x).toBeCloseTo(100 + 2 * step);
    expect(p.y).toBeCloseTo(100 + step);
    expect(p.lastCorrection).toBeCloseTo(0);
    expect(p.corrections).toBe(0);
  });

  it('takes the server position when it disagrees (an input the server refused) and counts the correction', () => {
    const p = new Predictor();
    p.reset(100, 100);
    p.input(1, 1, 0);
    p.input(2, 1, 0);
    // The server dropped input 1 (say, over its step budget) but acknowledges both.
    p.reconcile(100 + step, 100, 2);
    expect(p.pending).toEqual([]);
    expect(p.x).toBeCloseTo(100 + step);
    expect(p.lastCorrection).toBeCloseTo(step);
    expect(p.corrections).toBe(1);
  });

  it('moves diagonally at the same speed and stays inside the world', () => {
    const q = { x: 500, y: 500 };
    applyInput(q, 1, 1);
    expect(Math.hypot(q.x - 500, q.y - 500)).toBeCloseTo(step);
    const edge = { x: WORLD_SIZE - PLAYER_RADIUS, y: PLAYER_RADIUS };
    applyInput(edge, 1, -1);
    expect(edge).toEqual({ x: WORLD_SIZE - PLAYER_RADIUS, y: PLAYER_RADIUS });
    const still = { x: 5, y: 5 };
    applyInput(still, 0, 0);
    expect(still).toEqual({ x: 5, y: 5 });
  });
});

describe('snapshot interpolation', () => {
  it('interpolates between the frames around the render time and holds at either end', () => {
    const t = new Track();
    t.push(100, 0, 0, 0);
    t.push(150, 10, 20, 1);
    t.push(200, 30, 20, 1);
    const out = { x: 0, y: 0, angle: 0 };
    expect(t.at(50, out)).toEqual({ x: 0, y: 0, angle: 0 });
    expect(t.at(125, out)).toEqual({ x: 5, y: 10, angle: 0.5 });
    expect(t.at(175, out)).toEqual({ x: 20, y: 20, angle: 1 });
    expect(t.at(500, out)).toEqual({ x: 30, y: 20, angle: 1 });
  });

  it('turns angles the short way round, keeps a bounded buffer, and ignores frames from the past', () => {
    const t = new Track();
    t.push(0, 0, 0, 0.1);
    t.push(10, 0, 0, 2 * Math.PI - 0.1);
    expect(t.at(5, { x: 0, y: 0, angle: 0 })!.angle).toBeCloseTo(0);
    for (let i = 2; i < 100; i++) t.push(i * 10, i, 0, 0);
    expect(t.samples.length).toBe(32);
    t.push(5, 1234, 0, 0);
    expect(t.samples.some((s) => s.x === 1234)).toBe(false);
    expect(angleDelta(3, -3)).toBeCloseTo(2 * Math.PI - 6);
  });

  it('forgets entities that left', () => {
    const i = new Interpolator();
    i.record(7, 0, 1, 2, 0);
    expect(i.at(7, 0, { x: 0, y: 0, angle: 0 })).toEqual({ x: 1, y: 2, angle: 0 });
    i.forget(7);
    expect(i.at(7, 0, { x: 0, y: 0, angle: 0 })).toBeNull();
  });

  it('the render clock runs `delay` behind the newest frame and eases toward it instead of jumping', () => {
    const c = new RenderClock(100);
    expect(c.advance(0, 16)).toBeNaN();
    c.frame(1000, 0);
    expect(c.advance(0, 0)).toBe(900);
    expect(c.advance(16, 16)).toBeCloseTo(916);
    // A frame that arrives late (jitter): the target falls back 20 ms; the clock slows, it does not jump back.
    c.frame(1050, 70);
    const before = c.advance(32, 16);
    const after = c.advance(70, 38);
    expect(after).toBeGreaterThan(before);
    expect(after).toBeLessThan(before + 38);
    // A huge gap (a stall, a new room) snaps.
    c.frame(9000, 1000);
    expect(c.advance(1000, 16)).toBe(8900);
    c.reset();
    expect(c.advance(1016, 16)).toBeNaN();
  });
});

describe('hitscan', () => {
  it('finds where a ray first touches a circle, within range', () => {
    expect(rayHit(0, 0, 0, 100, 50, 0, 10)).toBeCloseTo(40);
    expect(rayHit(0, 0, 0, 100, 50, 9, 10)).toBeGreaterThan(40);
    expect(rayHit(0, 0, 0, 100, 50, 11, 10)).toBe(-1);
    expect(rayHit(0, 0, Math.PI, 100, 50, 0, 10)).toBe(-1);
    expect(rayHit(0, 0, 0, 30, 50, 0, 10)).toBe(-1);
    expect(rayHit(0, 0, Math.PI / 2, 100, 0, 60, 10)).toBeCloseTo(50);
  });
});
