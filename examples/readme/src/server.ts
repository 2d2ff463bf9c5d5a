// examples/readme/src/server.ts
import { NetServer, Room, type Client } from '@netschema/transport-uws';
import { Chat, Move, Player } from './state.js';
import * as schema from './state.netschema.js';

class Lobby extends Room<Player> {
  private readonly players = new Map<Client, Player>();

  override onCreate(): void {
    this.onMessage(Move, (client, move) => {
      const p = this.players.get(client)!;
      p.x += move.dx; // a tracked write: the next frames carry the new x to whoever sees p
      p.y += move.dy;
    });
    this.onMessage(Chat, (client, msg) => {
      const out = Object.assign(new Chat(), { from: this.players.get(client)!.name, text: msg.text });
      this.broadcast(out);
    });
  }

  override onJoin(client: Client, options: unknown): void {
    const name = (options as { name?: unknown } | null)?.name; // the client's JSON: check it before it becomes state
    const p = this.add(Object.assign(new Player(), { name: typeof name === 'string' ? name.slice(0, 32) : 'guest' }), { owner: client.core });
    this.players.set(client, p);
    client.core.setView({ x: p.x, y: p.y, radius: 300 }); // sees what is within 300 units...
    this.core.follow(client.core, p); // ...of its own player, wherever it goes
  }

  override onLeave(client: Client): void {
    this.remove(this.players.get(client)!);
    this.players.delete(client);
  }
}

export async function host(port: number): Promise<NetServer> {
  const server = await NetServer.listen({ schema, port }); // 127.0.0.1 unless `host` is given
  server.define('lobby', Lobby, { tickRate: 60, patchRate: 20, grid: { cellSize: 300 } });
  return server;
}
