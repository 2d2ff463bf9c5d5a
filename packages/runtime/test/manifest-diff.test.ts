import { describe, expect, it } from 'vitest';
import { describeManifestDifference, MANIFEST_LIMITS, ManifestError, parseManifest, type Manifest } from '@netschema/runtime';
import * as sink from '@netschema/test-fixtures/schemas/kitchen-sink.netschema';

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

describe('a manifest from a peer is validated as data before any diff', () => {
  const parse = (v: unknown) => parseManifest(JSON.stringify(v));
  const problem = (v: unknown): string => {
    try {
      parse(v);
    } catch (e) {
      expect(e).toBeInstanceOf(ManifestError);
      return (e as Error).message;
    }
    throw new Error('expected a ManifestError');
  };

  it('accepts a real manifest and returns only its known keys', () => {
    const m = copy();
    Object.assign(m, { extra: { lots: 'of data' } });
    const parsed = parse(m);
    expect(parsed).not.toHaveProperty('extra');
    expect(describeManifestDifference(base, parsed)).toBeNull();
  });

  it('never trusts a length: an object posing as an array is refused, named, with what was expected', () => {
    const m = copy();
    const rank = m.enums.find((x: { name: string }) => x.name === 'Rank');
    rank.members = { ...rank.members, length: 1e15 };
    const i = m.enums.indexOf(rank);
    expect(problem(m)).toBe(`manifest.enums[${i}].members: expected an array, got object`);
  });

  it('names what, where and what was expected for wrong shapes', () => {
    expect(problem({ ...copy(), classes: 5 })).toBe('manifest.classes: expected an array, got number 5');
    expect(problem(5)).toBe('manifest: expected an object, got number 5');
    const m = copy();
    m.classes[0].fields[0].name = 7;
    expect(problem(m)).toBe('manifest.classes[0].fields[0].name: expected a string, got number 7');
    expect(() => parseManifest('{"classes":')).toThrow(/^manifest: expected JSON text, got text that does not parse/);
  });

  it('bounds counts, string lengths, type depth and the text before parsing', () => {
    const many = copy();
    many.classes = Array.from({ length: MANIFEST_LIMITS.classes + 1 }, () => many.classes[0]);
    expect(problem(many)).toBe(`manifest.classes: expected an array of at most ${MANIFEST_LIMITS.classes}, got an array of ${MANIFEST_LIMITS.classes + 1}`);
    const long = copy();
    long.classes[0].name = 'x'.repeat(MANIFEST_LIMITS.stringLength + 1);
    expect(problem(long)).toMatch(/^manifest\.classes\[0\]\.name: expected a string of at most 256 characters/);
    const deep = copy();
    let t: unknown = 'u8';
    for (let i = 0; i < 40; i++) t = { kind: 'array', of: t };
    deep.classes[0].fields[0].type = t;
    expect(problem(deep)).toMatch(/^manifest\.classes\[0\]\.fields\[0\]\.type(\.of)+: expected a type nested at most 16 deep/);
    expect(() => parseManifest(' '.repeat(MANIFEST_LIMITS.bytes + 1))).toThrow(/^manifest: expected at most 262144 characters of JSON/);
  });

  it('a __proto__ key in a type stays data', () => {
    const m = JSON.parse(JSON.stringify(base));
    const json = JSON.stringify(m).replace('"optional":false', '"optional":false,"__proto__":{"polluted":1}');
    expect(describeManifestDifference(base, parseManifest(json))).toBeNull();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
