// The chat room: a Member entity per client, and every Say relayed to all as a Chat with the
// sender's name (taken from the server's record, not from the message, so nobody can post as
// someone else).
import { NetServer, Room, type Client } from '@netschema/transport-uws';
import { Chat, Member, Say } from './state.js';
import * as schema from './state.netschema.js';

export class ChatRoom extends Room<Member> {
  private readonly members = new Map<Client, Member>();

  override onCreate(): void {
    this.onMessage(Say, (client, msg) => {
      const text = msg.text.trim().slice(0, 500);
      if (text === '') return;
      const out = new Chat();
      out.from = this.members.get(client)!.name;
      out.text = text;
      this.broadcast(out);
    });
  }

  override onJoin(client: Client, options: unknown): void {
    const name = (options as { name?: unknown } | null)?.name;
    const m = new Member();
    m.name = typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 24) : `guest${client.id}`;
    this.members.set(client, this.add(m));
  }

  override onLeave(client: Client): void {
    const m = this.members.get(client);
    if (m) this.remove(m);
    this.members.delete(client);
  }
}

/** Starts a chat server: room 'chat', on `port` (0: any free one). */
export async function startChatServer(options: { port?: number; host?: string } = {}): Promise<NetServer> {
  const server = await NetServer.listen({ schema, port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  // A chat needs no tick of its own; 20 ticks per second deliver joins and leaves promptly.
  server.define('chat', ChatRoom, { tickRate: 20, patchRate: 20 });
  return server;
}
