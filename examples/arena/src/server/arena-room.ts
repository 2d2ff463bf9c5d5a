// The arena's authoritative simulation: humans move by Input messages (one step each) and fire by
// Shoot messages; bots think on the room tick; shots are hitscan rays; pickups refill health or
// ammo. The room core sends each player only what is near it, and its own hp and ammo.
import { Room, type Client } from '@netschema/transport-uws';
import {
  applyInput, BOT_SPEED, MAX_AMMO, MAX_HP, moveBy, PICKUP_RADIUS, PICKUP_RESPAWN_MS, PLAYER_RADIUS, RELOAD_DELAY_MS, RELOAD_MS,
  prng, RESPAWN_MS, rayHit, SHOT_COOLDOWN_MS, SHOT_DAMAGE, SHOT_RANGE, STEP_MS, VIEW_RADIUS, WORLD_SIZE, type Point,
} from '../rules.js';
import { Arena, Hit, Input, Kill, Pickup, PickupKind, Player, Shoot, Shot } from '../state.js';

export type ArenaEntity = Arena | Player | Pickup;

/** Game settings of an arena room (the transport's settings go to `server.define`). */
export interface ArenaConfig {
  /** Server-side bots. Default 8. */
  bots?: number;
  /** Whether bots fire at whoever comes near. Default true. */
  botsShoot?: boolean;
  /** Health and ammo pickups. Default 12. */
  pickups?: number;
  /** Where players and pickups appear and bots roam: a disc. Default the whole world. */
  area?: { x: number; y: number; radius: number };
  /** Seed of the room's random numbers (spawn points, bots). Default 1. */
  seed?: number;
  /** Told to clients in the Arena entity (frames per second each client receives). Default 20. */
  patchRate?: number;
  tickRate?: number;
}

/** Inputs a player may bank: a client whose inputs arrive in a burst after a hiccup keeps them. */
const MAX_BUDGET = 15;
const BOT_SIGHT = 350;
const BOT_NAMES = ['Axel', 'Bolt', 'Cog', 'Dot', 'Echo', 'Flux', 'Gear', 'Hex', 'Ion', 'Jolt', 'Kilo', 'Lux', 'Mox', 'Nib', 'Orb', 'Pix'];

/** Server-only state of a player, human or bot. */
class Fighter {
  /** Input steps the player may still take (one per STEP_MS of room time, up to MAX_BUDGET). */
  budget = MAX_BUDGET;
  lastShot = -Infinity;
  lastReload = 0;
  respawnAt = 0;
  // bots
  waypoint: Point = { x: 0, y: 0 };
  nextShot = 0;
  constructor(
    readonly player: Player,
    readonly client: Client | null,
  ) {}
}

export class ArenaRoom extends Room<ArenaEntity, unknown> {
  readonly fighters: Fighter[] = [];
  private readonly byClient = new Map<Client, Fighter>();
  private readonly pickups: { pickup: Pickup | null; kind: PickupKind; at: Point; respawnAt: number }[] = [];
  private readonly near: Client[] = [];
  private rand: () => number;
  private readonly shot = new Shot();
  private readonly hit = new Hit();
  private readonly kill = new Kill();

  constructor(readonly config: ArenaConfig = {}) {
    super();
    this.rand = prng(config.seed ?? 1);
  }

  /** A room class with these settings, for `server.define('arena', arenaRoom(config), ...)`. */
  static with(config: ArenaConfig): new () => ArenaRoom {
    return class extends ArenaRoom {
      constructor() {
        super(config);
      }
    };
  }

  override onCreate(): void {
    const arena = new Arena();
    arena.size = WORLD_SIZE;
    arena.viewRadius = VIEW_RADIUS;
    arena.tickRate = this.config.tickRate ?? 60;
    arena.patchRate = this.config.patchRate ?? 20;
    this.add(arena, { global: true });

    for (let i = 0; i < (this.config.bots ?? 8); i++) {
      const p = new Player();
      p.name = `${BOT_NAMES[i % BOT_NAMES.length]}${i >= BOT_NAMES.length ? i : ''}`;
      p.bot = true;
      this.spawn(p);
      const f = new Fighter(this.add(p), null);
      f.waypoint = this.randomPoint();
      this.fighters.push(f);
    }
    for (let i = 0; i < (this.config.pickups ?? 12); i++) {
      this.pickups.push({ pickup: null, kind: i % 2 === 0 ? PickupKind.Health : PickupKind.Ammo, at: this.randomPoint(), respawnAt: 0 });
    }

    this.onMessage(Input, (client, msg) => {
      const f = this.byClient.get(client);
      if (f === undefined || !f.player.alive) return;
      f.player.angle = msg.aim;
      if (msg.dx === 0 && msg.dy === 0) return;
      // One step per message, and no more steps than room time allows: a client that sends
      // faster does not move faster (it is acknowledged all the same, and reconciles back).
      if (f.budget < 1) return;
      f.budget -= 1;
      applyInput(f.player, msg.dx, msg.dy);
    });
    this.onMessage(Shoot, (client, msg) => {
      const f = this.byClient.get(client);
      if (f) this.fire(f, msg.angle, performance.now());
    });
  }

  override onJoin(client: Client, options: unknown): void {
    const p = new Player();
    const name = (options as { name?: unknown } | null)?.name;
    p.name = typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 16) : `player${client.id}`;
    p.clientId = client.id;
    this.spawn(p);
    const f = new Fighter(this.add(p, { owner: client.core }), client);
    this.fighters.push(f);
    this.byClient.set(client, f);
    client.core.setView({ x: p.x, y: p.y, radius: VIEW_RADIUS });
    this.core.follow(client.core, p);
  }

  override onLeave(client: Client): void {
    const f = this.byClient.get(client);
    if (f === undefined) return;
    this.byClient.delete(client);
    this.fighters.splice(this.fighters.indexOf(f), 1);
    this.remove(f.player);
  }

  override onTick(dtMs: number): void {
    const now = performance.now();
    for (const f of this.fighters) {
      const p = f.player;
      if (!p.alive) {
        if (now >= f.respawnAt) this.spawn(p);
        continue;
      }
      if (f.client) f.budget = Math.min(MAX_BUDGET, f.budget + dtMs / STEP_MS);
      else this.think(f, dtMs, now);
      if (p.ammo < MAX_AMMO && now - f.lastShot >= RELOAD_DELAY_MS && now - f.lastReload >= RELOAD_MS) {
        p.ammo++;
        f.lastReload = now;
      }
      this.touchPickups(p, now);
    }
    for (const s of this.pickups) {
      if (s.pickup === null && now >= s.respawnAt) {
        const pk = new Pickup();
        pk.x = s.at.x;
        pk.y = s.at.y;
        pk.kind = s.kind;
        s.pickup = this.add(pk);
      }
    }
  }

  /** The fighter of a client's player (tests and tools). */
  playerOf(client: Client): Player | undefined {
    return this.byClient.get(client)?.player;
  }

  private spawn(p: Player): void {
    const at = this.randomPoint();
    p.x = at.x;
    p.y = at.y;
    p.hp = MAX_HP;
    p.ammo = MAX_AMMO;
    p.alive = true;
  }

  private randomPoint(): Point {
    const a = this.config.area;
    const m = PLAYER_RADIUS * 2;
    if (a === undefined) return { x: m + this.rand() * (WORLD_SIZE - 2 * m), y: m + this.rand() * (WORLD_SIZE - 2 * m) };
    const r = a.radius * Math.sqrt(this.rand());
    const t = this.rand() * 2 * Math.PI;
    const clamp = (v: number) => Math.min(WORLD_SIZE - m, Math.max(m, v));
    return { x: clamp(a.x + r * Math.cos(t)), y: clamp(a.y + r * Math.sin(t)) };
  }

  /** A bot walks from waypoint to waypoint, and aims and fires at the nearest player in sight. */
  private think(f: Fighter, dtMs: number, now: number): void {
    const p = f.player;
    let dx = f.waypoint.x - p.x;
    let dy = f.waypoint.y - p.y;
    if (dx * dx + dy * dy < 20 * 20) {
      f.waypoint = this.randomPoint();
      dx = f.waypoint.x - p.x;
      dy = f.waypoint.y - p.y;
    }
    moveBy(p, dx, dy, BOT_SPEED, dtMs);
    let target: Player | null = null;
    let best = BOT_SIGHT * BOT_SIGHT;
    for (const o of this.fighters) {
      const q = o.player;
      if (q === p || !q.alive) continue;
      const d2 = (q.x - p.x) ** 2 + (q.y - p.y) ** 2;
      if (d2 < best) {
        best = d2;
        target = q;
      }
    }
    if (target === null) {
      p.angle = Math.atan2(dy, dx);
      return;
    }
    p.angle = Math.atan2(target.y - p.y, target.x - p.x);
    if ((this.config.botsShoot ?? true) && now >= f.nextShot) {
      f.nextShot = now + 500 + this.rand() * 700;
      this.fire(f, p.angle + (this.rand() - 0.5) * 0.25, now);
    }
  }

  /** A hitscan shot: the nearest living player the ray touches takes the damage. */
  private fire(f: Fighter, angle: number, now: number): void {
    const p = f.player;
    if (!p.alive || p.ammo === 0 || now - f.lastShot < SHOT_COOLDOWN_MS) return;
    p.ammo--;
    p.angle = angle;
    f.lastShot = now;
    let victim: Fighter | null = null;
    let dist = SHOT_RANGE;
    for (const o of this.fighters) {
      if (o === f || !o.player.alive) continue;
      const t = rayHit(p.x, p.y, angle, SHOT_RANGE, o.player.x, o.player.y, PLAYER_RADIUS);
      if (t >= 0 && t < dist) {
        dist = t;
        victim = o;
      }
    }
    const s = this.shot;
    s.shooter = this.core.world.idOf(p);
    s.x = p.x;
    s.y = p.y;
    s.toX = Math.min(WORLD_SIZE, Math.max(0, p.x + Math.cos(angle) * dist));
    s.toY = Math.min(WORLD_SIZE, Math.max(0, p.y + Math.sin(angle) * dist));
    this.sendTo(this.nearby(p.x, p.y, SHOT_RANGE), s);
    if (victim === null) return;

    const v = victim.player;
    const h = this.hit;
    h.target = this.core.world.idOf(v);
    h.shooter = s.shooter;
    h.damage = Math.min(v.hp, SHOT_DAMAGE);
    v.hp -= h.damage;
    this.sendTo(this.nearby(v.x, v.y, 0), h);
    if (v.hp > 0) return;
    v.alive = false;
    victim.respawnAt = now + RESPAWN_MS;
    p.kills++;
    const k = this.kill;
    k.victim = h.target;
    k.killer = s.shooter;
    k.victimName = v.name;
    k.killerName = p.name;
    this.sendTo(this.nearby(v.x, v.y, 0), k);
  }

  private touchPickups(p: Player, now: number): void {
    const reach = (PLAYER_RADIUS + PICKUP_RADIUS) ** 2;
    for (const s of this.pickups) {
      const pk = s.pickup;
      if (pk === null || (pk.x - p.x) ** 2 + (pk.y - p.y) ** 2 > reach) continue;
      if (pk.kind === PickupKind.Health ? p.hp >= MAX_HP : p.ammo >= MAX_AMMO) continue;
      if (pk.kind === PickupKind.Health) p.hp = Math.min(MAX_HP, p.hp + 40);
      else p.ammo = MAX_AMMO;
      this.remove(pk);
      s.pickup = null;
      s.respawnAt = now + PICKUP_RESPAWN_MS;
    }
  }

  /** Clients whose player is within their view radius (plus `margin`) of a point: who should hear of an event there. */
  private nearby(x: number, y: number, margin: number): Client[] {
    const out = this.near;
    out.length = 0;
    const r2 = (VIEW_RADIUS + margin) ** 2;
    for (const [c, f] of this.byClient) {
      if (c.connected && (f.player.x - x) ** 2 + (f.player.y - y) ** 2 <= r2) out.push(c);
    }
    return out;
  }
}
