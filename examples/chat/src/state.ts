// The chat's schema: who is in the room (state every client holds) and the two messages.
import { schema, string } from '@netschema/runtime';

/** One person in the room: an entity, so every client sees who is here. */
@schema
export class Member {
  @string accessor name = '';
}

/** Client to server: a line to post. */
@schema
export class Say {
  @string accessor text = '';
}

/** Server to everyone: a posted line, with its sender's name filled in by the server. */
@schema
export class Chat {
  @string accessor from = '';
  @string accessor text = '';
}
