import { Chat, Move, Player } from '@netschema/test-fixtures/schemas/net';
import * as netSchema from '@netschema/test-fixtures/schemas/net.netschema';
import { Room, type Client } from '../src/index.js';

export { netSchema, Chat, Move, Player };

export interface JoinOptions {
  name?: string;
  refuse?: boolean;
  /** onJoin greets the client with a Chat message. */
  greet?: boolean;
}

/** A small test room: each client gets a Player it owns, moved by Move inputs; Chat is relayed to all. */
export class TestRoom extends Room<Player, { user: string } | undefined> {
  readonly players = new Map<Client<{ user: string } | undefined>, Player>();
  readonly log: string[] = [];

  override onCreate(): void {
    this.onMessage(Move, (c, m) => {
      const p = this.players.get(c)!;
      p.x += m.dx;
      p.y += m.dy;
    });
    this.onMessage(Chat, (c, m) => {
      if (m.text === 'boom') throw new Error('handler failure on purpose');
      const out = new Chat();
      out.from = this.players.get(c)!.name;
      out.text = m.text;
      // '/others …' goes to everyone but the sender; '/self …' to the sender alone.
      if (m.text.startsWith('/others ')) this.broadcast(out, c);
      else if (m.text.startsWith('/self ')) this.sendTo([c], out);
      else this.broadcast(out);
    });
  }

  override onJoin(c: Client<{ user: string } | undefined>, options: unknown): void {
    const o = options as JoinOptions;
    if (o.refuse) throw new Error('this room does not take you');
    const p = new Player();
    p.name = o.name ?? c.user?.user ?? 'anon';
    p.ammo = 10 + c.id;
    this.players.set(c, this.add(p, { owner: c.core }));
    this.log.push(`join ${p.name}`);
    if (o.greet) {
      const hello = new Chat();
      hello.from = 'server';
      hello.text = `hello ${p.name}`;
      c.send(hello);
    }
  }

  override onLeave(c: Client<{ user: string } | undefined>, consented: boolean): void {
    const p = this.players.get(c);
    if (p) this.remove(p);
    this.players.delete(c);
    this.log.push(`leave ${p?.name} ${consented}`);
  }

  override onDrop(c: Client<{ user: string } | undefined>): void {
    this.log.push(`drop ${this.players.get(c)?.name}`);
  }

  override onResume(c: Client<{ user: string } | undefined>): void {
    this.log.push(`resume ${this.players.get(c)?.name}`);
  }
}
