// examples/readme/src/state.ts
import { i8, ownerOnly, quantized, schema, string, u8 } from '@netschema/runtime';

@schema
export class Player {
  @quantized({ min: 0, max: 1000, bits: 16 }) accessor x = 500; // 2 bytes on the wire, not 8
  @quantized({ min: 0, max: 1000, bits: 16 }) accessor y = 500;
  @string accessor name = '';
  @ownerOnly @u8 accessor hp = 100; // only the player's own client receives it
}

/** Client to server. */
@schema
export class Move {
  @i8 accessor dx = 0;
  @i8 accessor dy = 0;
}

/** Both ways. */
@schema
export class Chat {
  @string accessor from = '';
  @string accessor text = '';
}
