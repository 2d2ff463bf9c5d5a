import { Room, type Client } from '@netschema/transport-uws';
import { prng } from '../fixtures.js';
import { Checksum, Unit } from '../schemas/load.js';
import { addHash, entityHash } from './checksum.js';

export interface LoadRoomOptions {
  entities: number;
  /** Units moved per room tick. */
  moved: number;
  /** Frames per second per client: each bot gets a checksum about once a second. */
  hz: number;
  world: number;
  half: number;
  seed: number;
}

interface Entry {
  state: number;
  pending: boolean;
  rec: { entity: Unit; id: number };
}
const KNOWN = 2;

/**
 * The load benchmark's room: `entities` units in a square world, `moved` of them stepping each
 * tick, every client a fixed box view. After each tick, clients that just got their `hz`-th frame
 * since the last check get a checksum of what they should now hold: about once a second each.
 */
export class LoadRoom extends Room<Unit, undefined> {
  private units: Unit[] = [];
  private rand = prng(1);
  private o!: LoadRoomOptions;
  /** Whole-tick durations (ms) while `recording`, and the part of each spent in socket sends. */
  readonly durations: number[] = [];
  readonly sendDurations: number[] = [];
  readonly frameCounts: number[] = [];
  /** When each recorded tick ended (performance.now()), for lining ticks up with GC pauses. */
  readonly tickEnds: number[] = [];
  recording = false;
  checksumsSent = 0;
  /** Time (ms) spent on the bench's own checksums while `recording`: server CPU, but not the server's work. */
  checksumMs = 0;
  private readonly check = new Checksum();

  override onCreate(options: unknown): void {
    this.o = options as LoadRoomOptions;
    this.rand = prng(this.o.seed);
    for (let i = 0; i < this.o.entities; i++) {
      const u = new Unit();
      u.x = this.rand() * this.o.world;
      u.y = this.rand() * this.o.world;
      u.angle = this.rand() * 6.283;
      u.hp = (this.rand() * 100) | 0;
      u.name = `unit${i}`;
      this.units.push(this.add(u));
    }
  }

  override onJoin(client: Client<undefined>, options: unknown): void {
    const { x, y } = options as { x: number; y: number };
    client.core.setView({ x, y, halfWidth: this.o.half, halfHeight: this.o.half, hysteresis: 0 });
  }

  override onTick(): void {
    const { moved, world } = this.o;
    const n = this.units.length;
    for (let i = 0; i < moved; i++) {
      const u = this.units[(this.rand() * n) | 0]!;
      u.x = Math.min(world, Math.max(0, u.x + (this.rand() - 0.5) * 8));
      u.y = Math.min(world, Math.max(0, u.y + (this.rand() - 0.5) * 8));
      u.angle = this.rand() * 6.283;
    }
  }

  override tick(): void {
    super.tick();
    if (this.recording) {
      this.durations.push(this.tickStats.lastTickMs);
      this.sendDurations.push(this.tickStats.lastSendMs);
      this.frameCounts.push(this.core.stats.lastFrames);
      this.tickEnds.push(performance.now());
    }
    const t0 = performance.now();
    this.sendChecksums();
    if (this.recording) this.checksumMs += performance.now() - t0;
  }

  /** Outside the measured tick: checksums for the clients whose turn it is and who are settled. */
  private sendChecksums(): void {
    const tick = this.core.tickNo;
    const cs = this.clients;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      const rc = c.core;
      if (c.lastFrameTick !== tick || c.stats.frames % this.o.hz !== 0) continue;
      if (!c.connected || rc.paused || rc.pendingList.length > 0 || rc.leaving.length > 0) continue;
      let sum = 0;
      // Walked in place: a snapshot array per client per second would load the server's heap.
      const entries = rc.entries;
      for (let k = 0; k < entries.capacity; k++) {
        const e = entries.valueAt(k) as unknown as Entry | undefined;
        if (e === undefined || e.state !== KNOWN) continue;
        const u = e.rec.entity;
        sum = addHash(sum, entityHash(e.rec.id, u.x, u.y, u.hp));
      }
      this.check.tick = tick;
      this.check.sum = sum;
      this.send(c, this.check);
      this.checksumsSent++;
    }
  }
}
