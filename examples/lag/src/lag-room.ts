// The lag room: the server pings every client (the transport does it, `pingIntervalMs`) and
// publishes each client's round-trip time in its Peer entity four times a second.
import { NetServer, Room, type Client } from '@netschema/transport-uws';
import { Peer } from './state.js';
import * as schema from './state.netschema.js';

export class LagRoom extends Room<Peer> {
  private readonly peers = new Map<Client, Peer>();
  private sinceUpdate = 0;

  override onJoin(client: Client, options: unknown): void {
    const p = new Peer();
    const name = (options as { name?: unknown } | null)?.name;
    p.name = typeof name === 'string' ? name.slice(0, 24) : `client${client.id}`;
    p.clientId = client.id;
    this.peers.set(client, this.add(p));
  }

  override onLeave(client: Client): void {
    const p = this.peers.get(client);
    if (p) this.remove(p);
    this.peers.delete(client);
  }

  override onTick(dtMs: number): void {
    this.sinceUpdate += dtMs;
    if (this.sinceUpdate < 250) return;
    this.sinceUpdate = 0;
    for (const [client, peer] of this.peers) peer.rttMs = client.rtt;
  }
}

export async function startLagServer(options: { port?: number; host?: string; pingIntervalMs?: number } = {}): Promise<NetServer> {
  const server = await NetServer.listen({ schema, port: options.port ?? 0, host: options.host ?? '127.0.0.1', pingIntervalMs: options.pingIntervalMs ?? 250 });
  server.define('lag', LagRoom, { tickRate: 20, patchRate: 10 });
  return server;
}
