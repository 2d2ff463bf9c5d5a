// The game's state and messages. `netschema generate` (run by predev/prebuild, and by the Vite
// plugin on every save) writes state.netschema.ts beside this file.
import { i8, quantized, schema, string } from '@netschema/runtime';

@schema
export class Player {
  @quantized({ min: 0, max: 800, bits: 16 }) accessor x = 400;
  @quantized({ min: 0, max: 600, bits: 16 }) accessor y = 300;
  @string accessor name = '';
}

/** Client to server: one step of movement. */
@schema
export class Move {
  @i8 accessor dx = 0;
  @i8 accessor dy = 0;
}
