// One entity per connected client with the round-trip time the server measured for it, so every
// client sees everyone's lag (a scoreboard's ping column).
import { f32, schema, string, u16 } from '@netschema/runtime';

@schema
export class Peer {
  @string accessor name = '';
  /** The connection's client id (`conn.clientId` on that client). */
  @u16 accessor clientId = 0;
  /** Server-measured round trip, ms (the transport's pings: `client.rtt`). */
  @f32 accessor rttMs = 0;
}
