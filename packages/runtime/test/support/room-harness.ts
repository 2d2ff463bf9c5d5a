import { ReplicaWorld, RoomCore, type RoomClient } from '@netschema/runtime';
import { Scoreboard, Unit } from '@netschema/test-fixtures/schemas/room';
import * as gen from '@netschema/test-fixtures/schemas/room.netschema';
import type { Rng } from '@netschema/test-fixtures/support/rng';

export type Data = { name: string };
export type Client = RoomClient<Data>;

/** A room of Units and one global Scoreboard, with a replica per client fed its frames. */
export class RoomHarness {
  readonly room: RoomCore<Unit | Scoreboard, Data>;
  readonly units: Unit[] = [];
  readonly replicas = new Map<Client, ReplicaWorld>();
  /** Clients that received a frame in the last update, with its bytes. */
  readonly framed = new Map<Client, Uint8Array>();
  readonly board: Scoreboard;
  readonly teams: boolean;
  now = 0;
  /** Every secret and plan ever written, by entity id and by team: for the byte scan. */
  /** `teams: false` leaves out `teamOf`: team-only fields then go to owners alone. */
  /** `grid: false`: a room without a grid, where every client sees every entity it does not hide. */
  /** `cellLog`: the grid's option (its default, 'auto', needs more viewers per change than these rooms have). */
  constructor(opts: { cellSize: number; budget?: number; filter?: (c: Client, e: Unit | Scoreboard) => boolean; teams?: boolean; grid?: boolean; cellLog?: 'auto' | 'always' | 'never' }) {
    this.teams = opts.teams !== false;
    this.room = new RoomCore<Unit | Scoreboard, Data>({
      schema: gen,
      ...(opts.grid !== false ? { grid: { cellSize: opts.cellSize, ...(opts.cellLog ? { cellLog: opts.cellLog } : {}) } } : {}),
      ...(this.teams ? { teamOf: (e: Unit | Scoreboard) => (e instanceof Unit ? e.team : undefined) } : {}),
      ...(opts.budget !== undefined ? { budget: opts.budget } : {}),
      ...(opts.filter ? { filter: opts.filter } : {}),
      // The scoreboard has no position: keep it at the origin; it is global anyway.
      ...{},
    });
    this.board = this.room.add(new Scoreboard(), { global: true });
  }

  addUnit(rng: Rng): Unit {
    const u = new Unit();
    u.x = rng.nextDouble() * 1000;
    u.y = rng.nextDouble() * 1000;
    u.team = rng.nextInt(1, 3);
    u.name = `unit${rng.nextInt(0, 999)}`;
    this.room.add(u);
    const id = this.room.world.idOf(u);
    u.secret = `OWNER-SECRET-${id}-`;
    u.plan = `TEAM-PLAN-${u.team}-`;
    this.units.push(u);
    return u;
  }

  removeUnit(u: Unit): void {
    this.room.remove(u);
    this.units.splice(this.units.indexOf(u), 1);
  }

  /** `box`: a box view that enters and leaves at its edge (no hysteresis), as `bench:load`'s bots have. */
  addClient(rng: Rng, budget?: number, box = false): Client {
    // 60 Hz is every tick of `step`: such a client takes the tick's shared run.
    const rate = [60, 20, 10, 5][rng.nextInt(0, 3)]!;
    const view = box
      ? { x: rng.nextDouble() * 1000, y: rng.nextDouble() * 1000, halfWidth: 40 + rng.nextDouble() * 300, halfHeight: 40 + rng.nextDouble() * 300, hysteresis: 0 }
      : rng.nextInt(0, 1)
      ? { x: rng.nextDouble() * 1000, y: rng.nextDouble() * 1000, radius: 50 + rng.nextDouble() * 350 }
      : { x: rng.nextDouble() * 1000, y: rng.nextDouble() * 1000, halfWidth: 40 + rng.nextDouble() * 300, halfHeight: 40 + rng.nextDouble() * 300 };
    const c = this.room.addClient({ name: `c${rng.nextInt(0, 99)}` }, { rate, view, team: rng.nextInt(1, 3), ...(budget !== undefined ? { budget } : {}) });
    this.replicas.set(c, new ReplicaWorld(gen));
    return c;
  }

  removeClient(c: Client): void {
    this.room.removeClient(c);
    this.replicas.delete(c);
  }

  /** One room tick; `during` runs inside the frame callback after each client's frame is applied, as game code reacting to a send might. */
  step(dtMs = 50 / 3, during?: (c: Client) => void): void {
    this.now += dtMs;
    this.framed.clear();
    this.room.update(this.now, (c, frame) => {
      this.framed.set(c, frame.slice());
      this.replicas.get(c)!.apply(frame);
      during?.(c);
    });
  }
}

export { gen, Scoreboard, Unit };
