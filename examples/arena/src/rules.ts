// The game's rules shared by the server and the browser: the same movement code runs on both, so
// a client's prediction matches what the server computes from the same inputs. No decorators,
// no Node APIs: the browser bundle imports this file.

export const WORLD_SIZE = 2000;
export const VIEW_RADIUS = 400;
/** One simulation step, ms: each Input message is one step of movement. */
export const STEP_MS = 1000 / 60;
/** Units per second. */
export const PLAYER_SPEED = 220;
export const BOT_SPEED = 120;
export const PLAYER_RADIUS = 14;
export const MAX_HP = 100;
export const MAX_AMMO = 30;
export const SHOT_RANGE = 450;
export const SHOT_DAMAGE = 20;
export const SHOT_COOLDOWN_MS = 150;
/** Ammo comes back one round per RELOAD_MS, starting RELOAD_DELAY_MS after the last shot. */
export const RELOAD_DELAY_MS = 1500;
export const RELOAD_MS = 100;
export const RESPAWN_MS = 2000;
export const PICKUP_RADIUS = 12;
export const PICKUP_RESPAWN_MS = 8000;
/** How far in the past the browser renders other entities, ms (a little over two frames at 20 Hz). */
export const INTERPOLATION_DELAY_MS = 100;

export interface Point {
  x: number;
  y: number;
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** Moves `p` in direction (dx, dy) (normalized here) at `speed` for `ms`, kept inside the world. */
export function moveBy(p: Point, dx: number, dy: number, speed: number, ms: number): void {
  const len = Math.hypot(dx, dy);
  if (len === 0) return;
  const k = (speed * ms) / 1000 / len;
  p.x = clamp(p.x + dx * k, PLAYER_RADIUS, WORLD_SIZE - PLAYER_RADIUS);
  p.y = clamp(p.y + dy * k, PLAYER_RADIUS, WORLD_SIZE - PLAYER_RADIUS);
}

/** One Input: one step of a player's movement. The server and the predicting client both call it. */
export function applyInput(p: Point, dx: number, dy: number): void {
  moveBy(p, dx, dy, PLAYER_SPEED, STEP_MS);
}

/**
 * Where a ray from (x, y) at `angle` first comes within `radius` of a circle centre (cx, cy), as a
 * distance along the ray, or -1 when it misses within `range`.
 */
export function rayHit(x: number, y: number, angle: number, range: number, cx: number, cy: number, radius: number): number {
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  const along = (cx - x) * ux + (cy - y) * uy;
  if (along < 0 || along > range + radius) return -1;
  const px = x + ux * along - cx;
  const py = y + uy * along - cy;
  const d2 = px * px + py * py;
  if (d2 > radius * radius) return -1;
  const t = along - Math.sqrt(radius * radius - d2);
  return t <= range ? Math.max(0, t) : -1;
}

/** Shortest signed difference b - a between two angles, in (-π, π]. */
export function angleDelta(a: number, b: number): number {
  let d = (b - a) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  else if (d <= -Math.PI) d += 2 * Math.PI;
  return d;
}

/** A small, seeded PRNG (mulberry32): the same seed gives the same bots and spawn points. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
