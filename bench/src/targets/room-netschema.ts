import { ReplicaWorld, RoomCore, type RoomClient } from '@netschema/runtime';
import type { ArenaFixture, ArenaState, TickMoves } from '../fixtures.js';
import type { RoomScenario } from '../room-scenario.js';
import { Entity, QuantEntity } from '@netschema/test-fixtures/schemas/arena';
import { netschema } from '@netschema/test-fixtures/schemas/arena.netschema';
import { writeEntities, writeQuantEntities } from './netschema.js';
import { checkReplicas, type RoomTarget } from './room-target.js';
import { F32_PROJECTION, quantProjection, type ReplicaFields } from './target.js';
import { applySent, SendBuffers } from '../send-buffers.js';

/** Frames per second of every client; the bench advances the room clock by one interval per tick. */
const RATE = 20;

/**
 * netschema's room core: one `RoomCore` with a spatial grid; each client has a box view of the
 * scenario's window (no hysteresis, so its interest is exactly the window) and a `ReplicaWorld`.
 * The server tick is one `room.update`; the sink copies each frame into the client's send
 * buffer (the bytes are valid only during the call; a transport copies them likewise).
 */
export class NetschemaRoomTarget implements RoomTarget {
  readonly name: string;
  readonly description: string;
  private room: RoomCore<Entity | QuantEntity, number> | null = null;
  private ents: (Entity | QuantEntity)[] = [];
  private ids = new Int32Array(0);
  private replicas: ReplicaWorld[] = [];
  private clients: RoomClient<number>[] = [];
  /** The clients' `stats.idle` summed at the last `frames` call. */
  private idleSeen = 0;
  private sent = new SendBuffers(0);
  private count = 0;
  private bytes = 0;
  private now = 0;
  private readonly sink = (c: RoomClient<number>, frame: Uint8Array): void => {
    this.sent.put(c.data, frame);
    this.count++;
    this.bytes += frame.length;
  };

  /** `cellSize`: the room grid's cell edge; 0 means the window's half side. */
  constructor(
    private readonly kind: 'f32' | 'quant',
    private readonly cellSize = 0,
  ) {
    this.name = `netschema-${kind}`;
    this.description =
      kind === 'f32'
        ? 'netschema RoomCore, Entity (x/y/angle f32), box views, one room.update per tick'
        : 'netschema RoomCore, QuantEntity (x/y 16 bits over [0, 1000], angle 8 bits, bit-packed)';
  }

  /** The grid cell edge used for a scenario. */
  cellFor(sc: RoomScenario): number {
    return this.cellSize > 0 ? this.cellSize : sc.half;
  }

  build(fx: ArenaFixture, sc: RoomScenario): void {
    const s = fx.initial;
    const room = new RoomCore<Entity | QuantEntity, number>({ schema: netschema, patchRate: RATE, grid: { cellSize: this.cellFor(sc) } });
    const n = s.x.length;
    const ents: (Entity | QuantEntity)[] = new Array(n);
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const e = this.kind === 'f32' ? new Entity() : new QuantEntity();
      e.x = s.x[i]!;
      e.y = s.y[i]!;
      e.angle = s.angle[i]!;
      e.hp = s.hp[i]!;
      e.name = s.name[i]!;
      ents[i] = room.add(e);
      ids[i] = room.world.idOf(e);
    }
    const clients = sc.cx.length;
    this.replicas = [];
    this.clients = [];
    this.idleSeen = 0;
    for (let c = 0; c < clients; c++) {
      this.clients.push(room.addClient(c, { view: { x: sc.cx[c]!, y: sc.cy[c]!, halfWidth: sc.half, halfHeight: sc.half, hysteresis: 0 } }));
      this.replicas.push(new ReplicaWorld(netschema));
    }
    this.sent = new SendBuffers(clients);
    this.room = room;
    this.ents = ents;
    this.ids = ids;
    this.now = 0;
  }

  join(): void {
    // The first update sends every client everything in its view.
    this.serverTick();
  }

  write(m: TickMoves): void {
    if (this.kind === 'f32') writeEntities(this.ents as Entity[], m);
    else writeQuantEntities(this.ents as QuantEntity[], m);
  }

  serverTick(): void {
    this.count = 0;
    this.bytes = 0;
    this.room!.update(this.now, this.sink);
    this.now += 1000 / RATE;
  }

  frames(): { count: number; bytes: number; idle: number } {
    // Counted here, outside the timed tick: clients passed over since the last call.
    let idle = 0;
    for (const c of this.clients) idle += c.stats.idle;
    const since = idle - this.idleSeen;
    this.idleSeen = idle;
    return { count: this.count, bytes: this.bytes, idle: since };
  }

  decode(): void {
    applySent(this.sent, this.replicas);
  }

  verify(expected: ArenaState, members: readonly Int32Array[]): string[] {
    const p = this.kind === 'f32' ? F32_PROJECTION : quantProjection(0, 1000, 16, 8);
    const reps = this.replicas;
    const ids = this.ids;
    return checkReplicas(
      this.name,
      members,
      expected,
      p,
      (c) => reps[c]!.entities.size,
      (c, i) => reps[c]!.get(ids[i]!) as ReplicaFields | undefined,
    );
  }

  /** The room, for profiling and stats. */
  get core(): RoomCore<Entity | QuantEntity, number> | null {
    return this.room;
  }

  dispose(): void {
    this.room = null;
    this.ents = [];
    this.replicas = [];
    this.clients = [];
    this.sent = new SendBuffers(0);
  }
}
