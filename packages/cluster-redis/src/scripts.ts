import { createHash } from 'node:crypto';
import type { createClient } from 'redis';
import * as lua from './lua.js';

type Client = ReturnType<typeof createClient>;

/** A Lua script run by its SHA, loaded again when Redis lost it (after a restart). */
export class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Client, args: (string | number)[]): Promise<unknown> {
    const options = { keys: [], arguments: args.map(String) };
    try {
      return await client.evalSha(this.sha, options);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      return client.eval(this.source, options);
    }
  }
}

export const scripts = {
  placeByName: new Script(lua.PLACE_BY_NAME),
  placeById: new Script(lua.PLACE_BY_ID),
  claimSeat: new Script(lua.CLAIM_SEAT),
  updateRoom: new Script(lua.UPDATE_ROOM),
  closeRoom: new Script(lua.CLOSE_ROOM),
  beat: new Script(lua.BEAT),
  dropStale: new Script(lua.DROP_STALE),
  leave: new Script(lua.LEAVE),
  drain: new Script(lua.DRAIN),
};
