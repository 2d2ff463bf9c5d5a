import type { Client } from '@netschema/runtime';
import type { Limits } from './limits.js';
import { newResumeToken, secretMatches, splitResumeToken } from './resume-token.js';

/**
 * Who a connection is, from what the `auth` hook returned: a primitive user is its own
 * identity, an object user its primitive `id`; anything else has no identity (undefined), which
 * only matches another connection without one. Servers whose users have neither pass `identify`.
 */
export function defaultIdentify(user: unknown): unknown {
  if (user === null || user === undefined) return undefined;
  if (typeof user !== 'object' && typeof user !== 'function') return user;
  const id = (user as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint' ? id : undefined;
}

/**
 * Sessions that can be resumed: their tokens, and the ones held after their connection dropped.
 * Held sessions are capped per room and in total; at a cap the oldest held one ends, so memory
 * stays bounded whatever the rate of join-and-drop.
 */
export class Sessions {
  /** Live sessions by their token's lookup id. */
  private readonly byId = new Map<string, Client>();
  /** Held sessions, oldest drop first (a Set keeps insertion order). */
  readonly held = new Set<Client>();

  constructor(private readonly limits: Limits) {}

  get size(): number {
    return this.byId.size;
  }

  /** Gives a session a new token (its first, or a rotation on resume: the old one stops working). */
  issue(client: Client): void {
    if (client.tokenId !== '') this.byId.delete(client.tokenId);
    let t = newResumeToken();
    while (this.byId.has(t.id)) t = newResumeToken();
    client.resumeToken = t.text;
    client.tokenId = t.id;
    client.tokenSecret = t.secret;
    this.byId.set(t.id, client);
  }

  /** The session a token belongs to, if it is live and was issued to the same identity. */
  find(token: string, identity: unknown): Client | undefined {
    const parts = splitResumeToken(token);
    if (parts === null) return undefined;
    const client = this.byId.get(parts.id);
    if (client === undefined || !secretMatches(parts.secret, client.tokenSecret)) return undefined;
    if (!Object.is(client.identity, identity)) return undefined;
    if (client.left || client.room.disposed) return undefined;
    return client;
  }

  /** The session ended: its token stops working. */
  forget(client: Client): void {
    if (this.byId.get(client.tokenId) === client) this.byId.delete(client.tokenId);
    this.release(client);
  }

  /** Marks a dropped session held; returns the sessions to end to stay within the caps (oldest first). */
  hold(client: Client): Client[] {
    if (this.held.has(client)) return [];
    this.held.add(client);
    client.room.heldCount++;
    const evict: Client[] = [];
    if (client.room.heldCount > this.limits.maxHeldPerRoom) {
      let oldest: Client | undefined;
      for (const c of client.room.clients) if (this.held.has(c) && (oldest === undefined || c.droppedAt < oldest.droppedAt)) oldest = c;
      if (oldest !== undefined) evict.push(oldest);
    }
    let over = this.held.size - evict.length - this.limits.maxHeldSessions;
    for (const c of this.held) {
      if (over <= 0) break;
      if (!evict.includes(c)) {
        evict.push(c);
        over--;
      }
    }
    return evict;
  }

  /** No longer held (resumed, or ended). */
  release(client: Client): void {
    if (this.held.delete(client)) client.room.heldCount--;
  }

  clear(): void {
    this.byId.clear();
    this.held.clear();
  }
}
