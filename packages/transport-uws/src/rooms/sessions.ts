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

/** What the transport keeps of one session beside the room's Client: its resume token and owner. */
interface SessionRecord {
  /** The token the client holds: `<id>.<secret>`; rotated on every resume. */
  text: string;
  id: string;
  secret: Uint8Array;
  /** Who the session belongs to (see NetServerOptions.identify): only they may resume it. */
  identity: unknown;
  /** When the connection dropped (performance.now()) while the session is held, else -1. */
  droppedAt: number;
}

/**
 * Sessions that can be resumed: their tokens, and the ones held after their connection dropped.
 * Held sessions are capped per room and in total; at a cap the oldest held one ends, so memory
 * stays bounded whatever the rate of join-and-drop.
 */
export class Sessions {
  /** Live sessions by their token's lookup id. */
  private readonly byId = new Map<string, Client>();
  /** Each live session's token and owner. */
  private readonly records = new Map<Client, SessionRecord>();
  /** Held sessions, oldest drop first (a Set keeps insertion order). */
  readonly held = new Set<Client>();

  constructor(private readonly limits: Limits) {}

  get size(): number {
    return this.byId.size;
  }

  /**
   * Gives a session a new token: its first (naming who it belongs to), or a rotation on resume
   * (the old one stops working, the owner stays).
   */
  issue(client: Client, identity?: unknown): void {
    let record = this.records.get(client);
    if (record !== undefined) this.byId.delete(record.id);
    let t = newResumeToken();
    while (this.byId.has(t.id)) t = newResumeToken();
    if (record === undefined) {
      record = { text: t.text, id: t.id, secret: t.secret, identity, droppedAt: -1 };
      this.records.set(client, record);
    } else {
      record.text = t.text;
      record.id = t.id;
      record.secret = t.secret;
    }
    this.byId.set(t.id, client);
  }

  /** The token to hand the client (empty for a session that has none). */
  token(client: Client): string {
    return this.records.get(client)?.text ?? '';
  }

  /** The session a token belongs to, if it is live and was issued to the same identity. */
  find(token: string, identity: unknown): Client | undefined {
    const parts = splitResumeToken(token);
    if (parts === null) return undefined;
    const client = this.byId.get(parts.id);
    const record = client && this.records.get(client);
    if (client === undefined || record === undefined || !secretMatches(parts.secret, record.secret)) return undefined;
    if (!Object.is(record.identity, identity)) return undefined;
    if (client.left || client.room.disposed) return undefined;
    return client;
  }

  /** The session ended: its token stops working. */
  forget(client: Client): void {
    const record = this.records.get(client);
    if (record !== undefined && this.byId.get(record.id) === client) this.byId.delete(record.id);
    this.records.delete(client);
    this.release(client);
  }

  /**
   * Marks a dropped session held from `now`; returns the sessions to end to stay within the
   * caps (oldest first).
   */
  hold(client: Client, now: number): Client[] {
    if (this.held.has(client)) return [];
    this.held.add(client);
    const record = this.records.get(client);
    if (record !== undefined) record.droppedAt = now;
    client.room.heldCount++;
    const evict: Client[] = [];
    if (client.room.heldCount > this.limits.maxHeldPerRoom) {
      let oldest: Client | undefined;
      for (const c of client.room.clients) if (this.held.has(c) && (oldest === undefined || this.droppedAt(c) < this.droppedAt(oldest))) oldest = c;
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

  /** When a held session's connection dropped (performance.now()), or -1 when it is not held. */
  droppedAt(client: Client): number {
    return this.records.get(client)?.droppedAt ?? -1;
  }

  /** No longer held (resumed, or ended). */
  release(client: Client): void {
    const record = this.records.get(client);
    if (record !== undefined) record.droppedAt = -1;
    if (this.held.delete(client)) client.room.heldCount--;
  }

  clear(): void {
    this.byId.clear();
    this.records.clear();
    this.held.clear();
  }
}
