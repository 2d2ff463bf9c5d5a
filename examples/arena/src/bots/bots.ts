// Headless players: real WebSocket clients that join the arena, walk about and fire at whoever is
// near, exactly as a browser would (Input per step, Shoot messages). For load and for company.
import { connect, type Connection } from '@netschema/runtime/client';
import WebSocket from 'ws';
import { prng, SHOT_RANGE, STEP_MS } from '../rules.js';
import * as schema from '../state.netschema.js';

export interface BotsOptions {
  url: string;
  count: number;
  room?: string;
  /** Names are `${prefix}1`, `${prefix}2`, ... Default 'nbot'. */
  prefix?: string;
  seed?: number;
  /** Whether bots fire. Default true. */
  shoot?: boolean;
}

export interface BotsReport {
  bots: number;
  /** Bots currently connected. */
  open: number;
  framesIn: number;
  bytesIn: number;
  bytesOut: number;
  /** Mean round-trip time over bots that have one, ms. */
  rtt: number;
  inputs: number;
  shots: number;
  errors: string[];
}

export interface Bots {
  readonly conns: Connection[];
  /** Resolves when every bot is in the room (its first frame applied). */
  ready(): Promise<void>;
  report(): BotsReport;
  close(): void;
}

interface Brain {
  conn: Connection;
  dx: number;
  dy: number;
  turnAt: number;
  nextShot: number;
  acc: number;
  last: number;
}

export function startBots(options: BotsOptions): Bots {
  const rand = prng(options.seed ?? 7);
  const errors: string[] = [];
  let inputs = 0;
  let shots = 0;
  const brains: Brain[] = [];
  const input = new schema.Input();
  const shoot = new schema.Shoot();
  for (let i = 0; i < options.count; i++) {
    const conn = connect(options.url, schema, {
      room: options.room ?? 'arena',
      options: { name: `${options.prefix ?? 'nbot'}${i + 1}` },
      WebSocket: WebSocket as never,
    });
    conn.on('error', (e) => {
      if (errors.length < 20) errors.push(e.message);
    });
    brains.push({ conn, dx: 0, dy: 0, turnAt: 0, nextShot: 0, acc: 0, last: performance.now() });
  }

  const me = (conn: Connection): schema.Player | null => {
    for (const id of conn.owned) {
      const e = conn.replica.get(id);
      if (e instanceof schema.Player) return e;
    }
    return null;
  };

  // Each bot steps at 60 Hz like a browser: one Input per step while it walks.
  const timer = setInterval(() => {
    const now = performance.now();
    for (const b of brains) {
      b.acc = Math.min(b.acc + now - b.last, 250);
      b.last = now;
      const p = b.conn.status === 'open' ? me(b.conn) : null;
      if (p === null || !p.alive) {
        b.acc = 0;
        continue;
      }
      if (now >= b.turnAt) {
        b.turnAt = now + 700 + rand() * 1500;
        b.dx = Math.round(rand() * 2 - 1);
        b.dy = Math.round(rand() * 2 - 1);
      }
      // Steer back in near the walls.
      if (p.x < 100) b.dx = 1;
      else if (p.x > 1900) b.dx = -1;
      if (p.y < 100) b.dy = 1;
      else if (p.y > 1900) b.dy = -1;
      let target: schema.Player | null = null;
      let best = SHOT_RANGE * SHOT_RANGE * 0.6;
      for (const e of b.conn.replica.entities.values()) {
        if (!(e instanceof schema.Player) || e === p || !e.alive) continue;
        const d2 = (e.x - p.x) ** 2 + (e.y - p.y) ** 2;
        if (d2 < best) {
          best = d2;
          target = e;
        }
      }
      const aim = target ? Math.atan2(target.y - p.y, target.x - p.x) : Math.atan2(b.dy, b.dx);
      while (b.acc >= STEP_MS) {
        b.acc -= STEP_MS;
        input.dx = b.dx;
        input.dy = b.dy;
        input.aim = aim;
        if (b.conn.send(input) > 0) inputs++;
      }
      if (target && (options.shoot ?? true) && now >= b.nextShot && (p.ammo ?? 0) > 0) {
        b.nextShot = now + 400 + rand() * 600;
        shoot.angle = aim + (rand() - 0.5) * 0.2;
        if (b.conn.send(shoot) > 0) shots++;
      }
    }
  }, 10);

  const conns = brains.map((b) => b.conn);
  return {
    conns,
    ready: () => Promise.all(conns.map((c) => c.ready())).then(() => undefined),
    report() {
      const withRtt = conns.filter((c) => c.stats.rtt > 0);
      return {
        bots: conns.length,
        open: conns.filter((c) => c.status === 'open').length,
        framesIn: conns.reduce((s, c) => s + c.stats.framesIn, 0),
        bytesIn: conns.reduce((s, c) => s + c.stats.bytesIn, 0),
        bytesOut: conns.reduce((s, c) => s + c.stats.bytesOut, 0),
        rtt: withRtt.length === 0 ? 0 : withRtt.reduce((s, c) => s + c.stats.rtt, 0) / withRtt.length,
        inputs,
        shots,
        errors: [...errors],
      };
    },
    close() {
      clearInterval(timer);
      for (const c of conns) c.close();
    },
  };
}
