import { Room, type Client } from '@netschema/transport-uws';
import { prng } from '../fixtures.js';
import { Checksum, Unit } from '../schemas/load.js';
import { addHash, entityHash } from './checksum.js';

export interface LoadRoomOptions {
  entities: number;
  /**
   * Units moved per second, spread over the ticks by their real intervals: a late tick moves
   * more, so a server that falls behind is not handed a lighter load than one that keeps up.
   */
  movedPerSecond: number;
  /** Frames per second per client: each bot gets a checksum about once a second. */
  hz: number;
  world: number;
  half: number;
  seed: number;
}

/**
 * The load benchmark's room: `entities` units in a square world, `movedPerSecond` of them
 * stepping each second, every client a fixed box view. After each tick, clients that just got
 * their `hz`-th frame since the last check get a checksum of what they should now hold: about
 * once a second each.
 */
export class LoadRoom extends Room<Unit, undefined> {
  private units: Unit[] = [];
  /**
   * Each unit's checksummed fields by entity id, kept as the room moves them. The checksum reads
   * these flat arrays instead of chasing entry, record and entity through the heap: that chase
   * cost about 0.45 µs per entity, 22% of the server's thread at 1,000 bots, and made ticks late.
   */
  private xs = new Float64Array(0);
  private ys = new Float64Array(0);
  private hps = new Float64Array(0);
  private ids = new Int32Array(0);
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
  private owed = 0;
  /** Units moved so far: the load actually delivered. */
  moves = 0;

  override onCreate(options: unknown): void {
    this.o = options as LoadRoomOptions;
    this.rand = prng(this.o.seed);
    this.xs = new Float64Array(this.o.entities + 1);
    this.ys = new Float64Array(this.o.entities + 1);
    this.hps = new Float64Array(this.o.entities + 1);
    this.ids = new Int32Array(this.o.entities);
    for (let i = 0; i < this.o.entities; i++) {
      const u = new Unit();
      u.x = this.rand() * this.o.world;
      u.y = this.rand() * this.o.world;
      u.angle = this.rand() * 6.283;
      u.hp = (this.rand() * 100) | 0;
      u.name = `unit${i}`;
      this.units.push(this.add(u));
      const id = this.core.world.idOf(u);
      this.ids[i] = id;
      this.xs[id] = u.x;
      this.ys[id] = u.y;
      this.hps[id] = u.hp;
    }
  }

  override onJoin(client: Client<undefined>, options: unknown): void {
    const { x, y } = options as { x: number; y: number };
    client.core.setView({ x, y, halfWidth: this.o.half, halfHeight: this.o.half, hysteresis: 0 });
  }

  override onTick(dtMs: number): void {
    const { world } = this.o;
    const n = this.units.length;
    // Moves owed since the last tick, the fraction carried over (at most every unit at once).
    this.owed = Math.min(n, this.owed + (this.o.movedPerSecond * dtMs) / 1000);
    const moved = Math.floor(this.owed);
    this.owed -= moved;
    this.moves += moved;
    for (let i = 0; i < moved; i++) {
      const k = (this.rand() * n) | 0;
      const u = this.units[k]!;
      u.x = Math.min(world, Math.max(0, u.x + (this.rand() - 0.5) * 8));
      u.y = Math.min(world, Math.max(0, u.y + (this.rand() - 0.5) * 8));
      u.angle = this.rand() * 6.283;
      const id = this.ids[k]!;
      this.xs[id] = u.x;
      this.ys[id] = u.y;
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
      // With nothing pending or leaving, every entry the client holds is one it knows (an
      // entering entry stays pending until sent; one that left is out of the map): its ids are
      // the map's keys, walked in place. Were that wrong, the bot's checksum would not match.
      const entries = rc.entries;
      const xs = this.xs;
      const ys = this.ys;
      const hps = this.hps;
      for (let k = 0; k < entries.capacity; k++) {
        const id = entries.keyAt(k);
        if (id === 0) continue;
        sum = addHash(sum, entityHash(id, xs[id]!, ys[id]!, hps[id]!));
      }
      this.check.tick = tick;
      this.check.sum = sum;
      this.send(c, this.check);
      this.checksumsSent++;
    }
  }
}
