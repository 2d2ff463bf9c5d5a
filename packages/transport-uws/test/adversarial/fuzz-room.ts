import { Room, type Client } from '../../src/index.js';
import { Mood, Mover, Say, Step, Tally } from './fuzz-schema.js';
import { tallyOf } from './tally.js';

export interface FuzzRoomOptions {
  /** Room-owned movers that step every tick, so every frame carries changes. */
  bots?: number;
  /** Send each settled client a Tally every this many ticks. */
  tallyEvery?: number;
}

/**
 * The adversarial suite's room: `bots` movers walking every tick, one mover per client driven by
 * its Step inputs, Say relayed to all, and a Tally (checksum of the whole state) to each settled
 * client every `tallyEvery` ticks so clients can prove their replicas match. No views: every
 * client sees every entity, so one checksum serves all.
 */
export class FuzzRoom extends Room<Mover, unknown> {
  private readonly movers = new Set<Mover>();
  private readonly owned = new Map<Client<unknown>, Mover>();
  private readonly walkers: Mover[] = [];
  private tallyEvery = 20;
  private readonly tally = new Tally();
  private step = 0;

  override onCreate(options: unknown): void {
    const o = (options ?? {}) as FuzzRoomOptions;
    this.tallyEvery = o.tallyEvery ?? 20;
    for (let i = 0; i < (o.bots ?? 16); i++) {
      const m = new Mover();
      m.x = i * 10;
      m.name = `bot${i}`;
      this.walkers.push(this.put(m));
    }
    this.onMessage(Step, (c, s) => {
      const m = this.owned.get(c);
      if (!m) return;
      m.x += s.dx;
      m.y += s.dy;
    });
    this.onMessage(Say, (_c, s) => {
      const out = new Say();
      out.text = s.text.slice(0, 64);
      this.broadcast(out);
    });
  }

  override onJoin(c: Client<unknown>, options: unknown): void {
    const m = new Mover();
    // Options are the client's JSON: take a name only if it is a short string.
    const o = options as { name?: unknown; trusting?: unknown } | null;
    // `trusting` plays a room with a bug: it writes the client's name unchecked, as the README
    // walk-through's server did, so an entity can hold `undefined` or a number in a string field.
    // The room must survive it (issue 11, item 2); every other join takes a name only if it is a short string.
    if (o?.trusting === true) m.name = o.name as string;
    else m.name = typeof o?.name === 'string' ? o.name.slice(0, 16) : `p${c.id}`;
    m.ammo = c.id & 0xffff;
    this.owned.set(c, this.put(m, c));
  }

  override onLeave(c: Client<unknown>): void {
    const m = this.owned.get(c);
    if (m) {
      this.movers.delete(m);
      this.remove(m);
    }
    this.owned.delete(c);
  }

  override onTick(): void {
    this.step++;
    for (let i = 0; i < this.walkers.length; i++) {
      const m = this.walkers[i]!;
      // A deterministic walk: each bot moves every tick, its mood now and then.
      m.x = (m.x + 1 + (i % 3)) % 1000;
      m.y = (m.y + ((this.step + i) % 5) - 2 + 1000) % 1000;
      if ((this.step + i) % 37 === 0) m.mood = ((m.mood + 1) % 3) as Mood;
    }
  }

  override tick(): void {
    super.tick();
    this.sendTallies();
  }

  private put(m: Mover, owner?: Client<unknown>): Mover {
    this.movers.add(m);
    return owner ? this.add(m, { owner: owner.core }) : this.add(m);
  }

  /** After the frame went out: a checksum to each client that got this tick's frame and holds no backlog. */
  private sendTallies(): void {
    const tick = this.core.tickNo;
    if (tick % this.tallyEvery !== 0) return;
    // A mover the room took out of replication (a field it could not encode) is no longer state.
    for (const m of this.movers) if (this.core.world.get(this.core.world.idOf(m)) !== m) this.movers.delete(m);
    let sum = -1;
    for (const c of this.clients) {
      const rc = c.core;
      if (c.lastFrameTick !== tick || !c.connected || rc.paused || rc.pendingList.length > 0 || rc.leaving.length > 0) continue;
      if (sum < 0) sum = tallyOf(this.movers);
      this.tally.tick = tick;
      this.tally.sum = sum;
      this.send(c, this.tally);
    }
  }
}
