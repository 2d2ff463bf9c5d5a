// What each client is told about the entities it owns: changes batched between its frames, the
// whole set after a reset frame.
import type { OwnedNews } from '../protocol/messages.js';
import type { RoomClient } from './records.js';

/** Records an ownership change for the client's next ownership message (see `takeOwned`). */
export function noteOwned(client: RoomClient<unknown>, id: number, owned: boolean): void {
  if (client.ownedReset) return; // the next message lists the whole set anyway
  const told = client.ownedNews.get(id);
  if (told === undefined) client.ownedNews.set(id, owned);
  else if (told !== owned) client.ownedNews.delete(id);
  client.newsN = client.ownedNews.size;
}

/** Whether `takeOwned` has something to tell the client: that message follows a frame, so it needs one. */
export function hasOwnedNews(client: RoomClient<unknown>): boolean {
  return client.newsN > 0 || (client.ownedReset && (client.owned.size > 0 || client.ownedTold));
}

/**
 * What to tell a client about its owned entities after the frame just built for it, or null
 * when nothing changed. After a reset frame it is the whole owned set with `reset` (null if the
 * set is empty and the client was never told of any). Ids are sorted. Consumes the news.
 */
export function takeOwned(client: RoomClient<unknown>): OwnedNews | null {
  if (client.ownedReset) {
    client.ownedReset = false;
    client.ownedNews.clear();
    client.newsN = 0;
    // A client that owns nothing and was never told otherwise needs no message: its set is empty.
    if (client.owned.size === 0 && !client.ownedTold) return null;
    client.ownedTold = client.owned.size > 0;
    const added: number[] = [];
    for (const rec of client.owned) added.push(rec.id);
    return { reset: true, added: added.sort(byNumber), removed: [] };
  }
  if (client.newsN === 0) return null;
  const added: number[] = [];
  const removed: number[] = [];
  for (const [id, owned] of client.ownedNews) (owned ? added : removed).push(id);
  client.ownedNews.clear();
  client.newsN = 0;
  client.ownedTold = client.owned.size > 0 || client.ownedTold;
  return { reset: false, added: added.sort(byNumber), removed: removed.sort(byNumber) };
}

function byNumber(a: number, b: number): number {
  return a - b;
}
