import { Room, type Client } from '@netschema/transport-uws';
import { Move, Player } from '../state.js';

export const WIDTH = 800;
export const HEIGHT = 600;
const SPEED = 4; // units per Move, at most

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Every player walks the field; one bot circles it, so a single tab already shows movement. */
export class GameRoom extends Room<Player> {
  private readonly players = new Map<Client, Player>();
  private bot!: Player;
  private time = 0;

  override onCreate(): void {
    this.bot = this.add(Object.assign(new Player(), { name: 'bot' }));
    this.onMessage(Move, (client, move) => {
      const p = this.players.get(client);
      if (p === undefined) return;
      // A client's message is untrusted: clamp the step and keep the player on the field.
      p.x = clamp(p.x + clamp(move.dx, -SPEED, SPEED), 0, WIDTH);
      p.y = clamp(p.y + clamp(move.dy, -SPEED, SPEED), 0, HEIGHT);
    });
  }

  override onJoin(client: Client, options: unknown): void {
    const name = (options as { name?: unknown } | null)?.name;
    const player = Object.assign(new Player(), {
      name: typeof name === 'string' ? name.slice(0, 16) : `player ${this.players.size + 1}`,
      x: 100 + Math.random() * (WIDTH - 200),
      y: 100 + Math.random() * (HEIGHT - 200),
    });
    // The owner's Connection.owned names this entity: that is how a client finds itself.
    this.players.set(client, this.add(player, { owner: client.core }));
  }

  override onLeave(client: Client): void {
    const p = this.players.get(client);
    if (p !== undefined) this.remove(p);
    this.players.delete(client);
  }

  override onTick(dtMs: number): void {
    this.time += dtMs / 1000;
    this.bot.x = WIDTH / 2 + Math.cos(this.time) * 200;
    this.bot.y = HEIGHT / 2 + Math.sin(this.time) * 150;
  }
}
