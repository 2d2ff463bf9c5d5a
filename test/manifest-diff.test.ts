import { describe, expect, it } from 'vitest';
import { describeManifestDifference, type Manifest } from '@netschema/runtime';
import * as sink from './fixtures/schemas/kitchen-sink.netschema.js';

const base = sink.manifest;
/** A deep copy to edit, as a client generated from a different schema would have it. */
const copy = (): { -readonly [K in keyof Manifest]: any } => JSON.parse(JSON.stringify(base));

describe('explaining a schema mismatch at the handshake', () => {
  it('finds nothing to explain for the same schema', () => {
    expect(describeManifestDifference(base, copy())).toBeNull();
  });

  it('names the class and field that differ: a renamed field', () => {
    const m = copy();
    const soldier = m.classes.find((c: { name: string }) => c.name === 'Soldier');
    soldier.fields[4].name = 'temper';
    expect(describeManifestDifference(base, m)).toBe("Soldier: field 4: 'mood' on the server but 'temper' in the client");
  });

  it('a changed wire type, optionality and visibility', () => {
    const m = copy();
    const vec = m.classes.find((c: { name: string }) => c.name === 'Vec3');
    vec.fields[0].type = 'f64';
    expect(describeManifestDifference(base, m)).toBe('Vec3: field 0: x is "f32" on the server but "f64" in the client');
    const n = copy();
    const soldier = n.classes.find((c: { name: string }) => c.name === 'Soldier');
    const ammo = soldier.fields.find((f: { name: string }) => f.name === 'secretAmmo');
    delete ammo.visibility;
    expect(describeManifestDifference(base, n)).toMatch(/^Soldier: field \d+: secretAmmo is visible to owner on the server but all in the client$/);
  });

  it('a field added on one side', () => {
    const m = copy();
    const item = m.classes.find((c: { name: string }) => c.name === 'Item');
    item.fields.push({ index: 3, name: 'weight', type: 'u8', optional: false });
    expect(describeManifestDifference(base, m)).toBe('Item: field 3 (weight) exists in the client but the server has only 3 fields');
  });

  it('a class missing on either side, and changed enums', () => {
    const m = copy();
    m.classes = m.classes.filter((c: { name: string }) => c.name !== 'TreeNode');
    expect(describeManifestDifference(base, m)).toBe("class TreeNode exists on the server but not in the client's schema: regenerate or upgrade the client");
    expect(describeManifestDifference(m, base)).toMatch(/^class TreeNode exists in the client's schema but not on the server/);
    const e = copy();
    e.enums.find((x: { name: string }) => x.name === 'Rank').members[1].value = 25;
    expect(describeManifestDifference(base, e)).toBe('enum Rank: member 1 is Sergeant = 20 on the server but Sergeant = 25 in the client');
  });
});
