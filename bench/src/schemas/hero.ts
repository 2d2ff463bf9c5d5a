import { f32, ownerOnly, schema, string, u16 } from '@netschema/runtime';

/**
 * The owner-only scenarios' entity (bench/src/scenarios/owner-*.ts): a hero everyone sees moving,
 * whose hit points only its owner receives.
 */
@schema
export class Hero {
  @f32 accessor x = 0;
  @f32 accessor y = 0;
  @f32 accessor angle = 0;
  @ownerOnly @u16 accessor hp = 100;
  @string accessor name = '';
}
