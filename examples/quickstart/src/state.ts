import { angle, array, bool, child, enumOf, f32, NetArray, optional, quantized, schema, string, u8 } from '@netschema/runtime';

export enum Team {
  Red,
  Blue,
}

@schema
export class Weapon {
  @string accessor kind = 'blaster';
  @u8 accessor ammo = 30;
}

@schema
export class Player {
  // Positions in a 1000 × 1000 arena to 1.5 cm: 16 bits each instead of 32.
  @quantized({ min: 0, max: 1000, bits: 16 }) accessor x = 0;
  @quantized({ min: 0, max: 1000, bits: 16 }) accessor y = 0;
  @angle(8) accessor heading = 0;
  @u8 accessor hp = 100;
  @bool accessor alive = true;
  @enumOf(Team) accessor team = Team.Red;
  @string accessor name = '';
  @child(Weapon) accessor weapon = new Weapon();
  @array(string) accessor badges = new NetArray<string>();
  @optional(string) accessor title: string | undefined = undefined;

  constructor(name = '') {
    this.name = name;
  }
}

@schema
export class Bot {
  @f32 accessor x = 0;
  @f32 accessor y = 0;
  @u8 accessor hp = 50;
}
