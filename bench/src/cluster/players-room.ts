import { Room, type Client } from '@netschema/transport-uws';
import { Checksum, Unit } from '../schemas/load.js';
import { addHash, entityHash } from '../load/checksum.js';

/** A string's 32-bit FNV-1a hash: a player's identity in the checksum, the same on both sides. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** One player's share of a room checksum; order-independent when summed with `addHash`. */
export function playerHash(u: { name: string; x: number; y: number; hp: number }): number {
  return entityHash(nameHash(u.name), u.x, u.y, u.hp);
}

/**
 * `bench:cluster`'s room: each client gets a player (a `Unit` named by its join options) that
 * circles a point of its own, so every tick changes every player and frames flow. Every client
 * sees every player of its room (no view). After each tick, clients that just got their
 * `hz`-th frame since the last check get a checksum of all players: about once a second each.
 */
export class PlayersRoom extends Room<Unit, undefined> {
  private readonly players = new Map<Client<undefined>, Unit>();
  private readonly check = new Checksum();
  /** Frames per second per client (the room type's patchRate): a checksum every `hz` frames. */
  protected hz = 20;
  private phase = 0;

  override onJoin(client: Client<undefined>, options: unknown): void {
    const { name } = options as { name: string };
    const u = new Unit();
    u.name = String(name);
    u.hp = nameHash(u.name) % 100;
    this.players.set(client, this.add(u, { owner: client.core }));
  }

  override onLeave(client: Client<undefined>): void {
    const u = this.players.get(client);
    if (u !== undefined) this.remove(u);
    this.players.delete(client);
  }

  override onTick(dtMs: number): void {
    this.phase += dtMs / 1000;
    let k = 0;
    for (const u of this.players.values()) {
      const a = this.phase + k++;
      u.x = 500 + 100 * Math.cos(a);
      u.y = 500 + 100 * Math.sin(a);
      u.angle = a % 6.283;
    }
  }

  override tick(): void {
    super.tick();
    this.sendChecksums();
  }

  /** Outside the measured tick: checksums for the clients whose turn it is and who are settled. */
  private sendChecksums(): void {
    const tick = this.core.tickNo;
    let sum = -1;
    for (const c of this.clients) {
      const rc = c.core;
      if (c.lastFrameTick !== tick || c.stats.frames % this.hz !== 0) continue;
      if (!c.connected || rc.paused || rc.pendingList.length > 0 || rc.leaving.length > 0) continue;
      if (sum < 0) {
        sum = 0;
        for (const u of this.players.values()) sum = addHash(sum, playerHash(u));
      }
      this.check.tick = tick;
      this.check.sum = sum;
      this.send(c, this.check);
    }
  }

  /** The names of the room's players, sorted: what each of its clients should hold at the end. */
  names(): string[] {
    return [...this.players.values()].map((u) => u.name).sort();
  }
}

/** The room type for a node whose clients get `hz` frames per second. */
export function playersRoomType(hz: number): typeof PlayersRoom {
  return class extends PlayersRoom {
    protected override hz = hz;
  };
}
