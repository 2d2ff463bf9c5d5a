import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIMITS } from '@netschema/runtime/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, formatDiagnostic, type Diagnostic } from '../src/diagnostics/diagnostic.js';
import { readSchemas } from '../src/read-schema.js';
import { suggestName } from '../src/validate/suggest-name.js';
import { FIXTURES, makeTempDir, TEST_DIR, type TempDir } from './support/temp-dir.js';

const INVALID = join(FIXTURES, 'invalid');
const files = readdirSync(INVALID).filter((f) => f.endsWith('.ts') && f !== 'ns1006-other.ts');

/** `[code, line, col]` of each problem in a fixture, in report order. */
type Where = [code: string, line: number, col: number];

describe('schema diagnostics', () => {
  const byFile = new Map<string, readonly Diagnostic[]>();
  beforeAll(() => {
    // One program for all fixtures: building it is the slow part.
    const results = readSchemas([...files.map((f) => join(INVALID, f)), join(INVALID, 'legacy-accessor', 'state.ts')]);
    for (const r of results) byFile.set(r.file.slice(INVALID.length + 1), r.diagnostics);
  });

  const where = (file: string): Where[] => byFile.get(file)!.map((d) => [d.code, d.line, d.col]);
  const messages = (file: string): string[] => byFile.get(file)!.map((d) => d.message);

  it('gathers every problem of a file, not only the first, and yields no IR', () => {
    expect(readSchemas([join(INVALID, 'ns1003-bits.ts')])[0]!.ir).toBeNull();
    expect(byFile.get('ns1003-bits.ts')).toHaveLength(7);
  });

  it('NS1001 / NS1010 through names: a let binding is not followed; a const bound to something else is reported where it is used', () => {
    expect(where('ns1001-aliases.ts')).toEqual([
      ['NS1001', 9, 4],
      ['NS1010', 10, 4],
    ]);
    expect(messages('ns1001-aliases.ts')[0]).toContain('unknown wire type @mutable');
  });

  it('NS1001 unknown, misspelled, doubled or misplaced wire types, with a suggestion', () => {
    expect(where('ns1001-unknown-type.ts')).toEqual([
      ['NS1001', 8, 4],
      ['NS1001', 9, 8],
      ['NS1001', 10, 10],
      ['NS1001', 11, 4],
      ['NS1001', 12, 4],
      ['NS1001', 13, 4],
      ['NS1001', 14, 4],
    ]);
    const m = messages('ns1001-unknown-type.ts');
    expect(m[0]).toMatch(/^Player\.hp: unknown wire type @unit8; did you mean u8\?/);
    expect(m[1]).toBe('Player.both: has more than one wire type (@u8 and @string); keep exactly one');
    expect(m[2]).toMatch(/^Player\.list: unknown wire type @flaot; did you mean f32\?/);
    expect(m[3]).toMatch(/map key kind 'int' is unknown/);
    expect(m[4]).toMatch(/^Player\.watched: unknown wire type @observable \(/);
    expect(m[5]).toBe("Player.local: u16 is not netschema's u16: import { u16 } from '@netschema/runtime'");
    expect(m[6]).toMatch(/^Player\.misplaced: schema is not a field wire type/);
  });

  it('NS1016 schema classes and enums that are not exported under their own name', () => {
    expect(where('ns1016-not-exported.ts')).toEqual([['NS1016', 3, 6], ['NS1016', 6, 7]]);
    expect(messages('ns1016-not-exported.ts')).toEqual([
      'Color: is not exported; the generated code refers to it by name: write `export enum Color`',
      'Hidden: is not exported; the generated code refers to it by name: write `export class Hidden`',
    ]);
  });

  it('NS1017 cycles of required child fields, but not optional or array ones', () => {
    expect(where('ns1017-cycle.ts')).toEqual([['NS1017', 6, 34], ['NS1017', 22, 34]]);
    expect(messages('ns1017-cycle.ts')[0]).toMatch(/^Egg\.chicken: required child fields form a cycle \(Egg\.chicken → Chicken\.egg → Egg\)/);
    expect(messages('ns1017-cycle.ts')[1]).toMatch(/^Selfish\.me: required child fields form a cycle \(Selfish\.me → Selfish\)/);
  });

  it('NS1002 empty or non-finite quantized ranges', () => {
    expect(where('ns1002-range.ts')).toEqual([['NS1002', 5, 4], ['NS1002', 6, 4], ['NS1002', 7, 4]]);
    expect(messages('ns1002-range.ts')[1]).toBe(
      'Body.reversed: quantized range [5, -5] is empty or not finite; min and max must be finite numbers with min < max',
    );
  });

  it('NS1003 bit counts and precisions outside the budget', () => {
    expect(where('ns1003-bits.ts')).toEqual([
      ['NS1003', 5, 38],
      ['NS1003', 6, 38],
      ['NS1003', 7, 38],
      ['NS1003', 8, 43],
      ['NS1003', 9, 45],
      ['NS1003', 10, 10],
      ['NS1003', 11, 18],
    ]);
    expect(messages('ns1003-bits.ts')[4]).toMatch(/^Body\.fine: precision 1e-9 over \[0, 1000000\] needs 50 bits/);
  });

  it('NS1004 TypeScript types the wire type cannot hold', () => {
    expect(where('ns1004-ts-type.ts')).toEqual([
      ['NS1004', 15, 16],
      ['NS1004', 16, 18],
      ['NS1004', 17, 20],
      ['NS1004', 18, 19],
      ['NS1004', 19, 26],
      ['NS1004', 20, 25],
      ['NS1004', 21, 23],
      ['NS1004', 22, 31],
      ['NS1004', 23, 26],
      ['NS1004', 24, 16],
    ]);
    const m = messages('ns1004-ts-type.ts');
    expect(m[0]).toBe("Player.hp: u8 cannot hold 'string'; declare the field as number");
    expect(m[4]).toBe("Player.team: enumOf(Team) cannot hold 'Color'; declare the field as Team");
    expect(m[6]).toBe("Player.list: array(u8) cannot hold 'number[]'; declare the field as NetArray<number>");
    expect(m[7]).toMatch(/declare the field as NetMap<string, number>$/);
    expect(m[8]).toMatch(/^Player\.maybe: optional\(u8\) may be absent but the type 'number' does not include undefined/);
    expect(m[9]).toMatch(/^Player\.sometimes: u8 cannot hold undefined/);
  });

  it('NS1005 too many fields, counting inherited ones', () => {
    expect(where('ns1005-too-many-fields.ts')).toEqual([['NS1005', 4, 14], ['NS1005', 117, 14]]);
    expect(messages('ns1005-too-many-fields.ts')[1]).toMatch(/^Sub: has 65 fields \(40 inherited\), more than the 64/);
  });

  it('NS1006 two schema classes with one name in a module, across files', () => {
    const d = byFile.get('ns1006-duplicate.ts')!;
    expect(d.map((x) => [x.code, x.file.endsWith('ns1006-other.ts'), x.line, x.col])).toEqual([['NS1006', true, 4, 14]]);
    expect(d[0]!.message).toMatch(/^Player: another schema class named Player is in this module \(ns1006-duplicate\.ts:5:14\)/);
  });

  it('NS1007 references to classes without @schema (and NS1008 for the stray decorators they hold)', () => {
    expect(where('ns1007-not-schema.ts')).toEqual([
      ['NS1008', 8, 4],
      ['NS1007', 15, 10],
      ['NS1007', 16, 10],
      ['NS1007', 17, 10],
      ['NS1007', 21, 30],
    ]);
    const m = messages('ns1007-not-schema.ts');
    expect(m[1]).toBe('Holder.plain: Plain is not a @schema class, so it cannot be sent; add @schema to Plain');
    expect(m[3]).toMatch(/`notAClass` is not a class/);
    expect(m[4]).toMatch(/^Derived: extends DecoratedBase, which has netschema field decorators but no @schema/);
  });

  it('NS1008 field decorators in a class that is not @schema', () => {
    expect(where('ns1008-stray.ts')).toEqual([['NS1008', 9, 4], ['NS1008', 10, 4]]);
    expect(messages('ns1008-stray.ts')[0]).toMatch(/^Forgotten\.hp: @u8 is a netschema field decorator, but Forgotten is not @schema/);
  });

  it('NS1009 plain fields under standard decorators, accessor fields under legacy ones', () => {
    expect(where('ns1009-plain-field.ts')).toEqual([['NS1009', 5, 7]]);
    expect(messages('ns1009-plain-field.ts')[0]).toMatch(/declare it with `accessor`: `@u8 accessor hp`$/);
    expect(where('legacy-accessor/state.ts')).toEqual([['NS1009', 5, 16]]);
    expect(messages('legacy-accessor/state.ts')[0]).toMatch(/with experimentalDecorators, fields are plain properties; remove `accessor`/);
  });

  it('NS1010 decorator arguments that are not literals of the expected shape', () => {
    expect(where('ns1010-literals.ts')).toEqual([
      ['NS1010', 12, 29],
      ['NS1010', 13, 14],
      ['NS1010', 14, 10],
      ['NS1010', 15, 27],
      ['NS1010', 16, 14],
      ['NS1010', 17, 8],
    ]);
    expect(messages('ns1010-literals.ts')[0]).toMatch(/^Body\.a: quantized max must be a number literal .* got `limit\(\)`; arguments must be literals$/);
  });

  it('NS1011 enum problems', () => {
    expect(where('ns1011-enum.ts')).toEqual([['NS1011', 7, 3], ['NS1011', 12, 11]]);
    expect(messages('ns1011-enum.ts')).toEqual([
      'Computed.B: the member value is not a compile-time constant; use a number or string literal (or a constant expression)',
      'Player.a: enumOf(NotEnum): NotEnum is not a TypeScript enum; enumOf takes an enum declared with `enum`',
    ]);
  });

  it('NS1012 field names that are not plain identifiers or start with $', () => {
    expect(where('ns1012-names.ts')).toEqual([['NS1012', 7, 16], ['NS1012', 8, 16], ['NS1012', 9, 16], ['NS1012', 10, 16]]);
    expect(messages('ns1012-names.ts')[1]).toMatch(/^Player\.\$secret: field names starting with \$ are reserved/);
  });

  it('NS1013 a subclass redeclaring an inherited schema field, decorated or not', () => {
    expect(where('ns1013-redeclare.ts')).toEqual([['NS1013', 11, 25], ['NS1013', 12, 21]]);
    expect(messages('ns1013-redeclare.ts')[0]).toMatch(/^Boss\.hp: redeclares the schema field hp inherited from Player/);
  });

  it('NS1014 decorators on static, private, protected members, methods and getters', () => {
    expect(where('ns1014-members.ts')).toEqual([
      ['NS1014', 5, 23],
      ['NS1014', 6, 16],
      ['NS1014', 7, 24],
      ['NS1014', 8, 26],
      ['NS1014', 9, 7],
      ['NS1014', 10, 11],
    ]);
  });

  it('NS1018 visibility markers without a wire type, doubled, repeated or called; NS1001 as a type argument; NS1008 outside @schema', () => {
    expect(where('ns1018-visibility.ts')).toEqual([
      ['NS1018', 7, 4],
      ['NS1018', 8, 15],
      ['NS1018', 9, 14],
      ['NS1018', 10, 4],
      ['NS1018', 11, 4],
      ['NS1001', 12, 10],
      ['NS1018', 17, 4],
      ['NS1013', 17, 31],
      ['NS1008', 21, 4],
      ['NS1018', 26, 4],
    ]);
    expect(messages('ns1018-visibility.ts')).toEqual([
      'Player.bare: @ownerOnly has no wire type beside it, so there is no field to hide; write the field\'s wire type next to it, as in `@ownerOnly @u8 accessor bare`',
      "Player.both: has both @ownerOnly and @teamOnly, but a field has one visibility; keep @ownerOnly (only the owning client) or @teamOnly (clients on the entity's team and its owner)",
      'Player.twice: @teamOnly is written twice; remove one',
      'Player.called: @ownerOnly takes no arguments: write @ownerOnly',
      'Player.fire: @ownerOnly is on a method; visibility markers go on public instance fields, beside the wire type',
      'Player.list: ownerOnly is a visibility marker, not a wire type; write it on the field beside the wire type, as in @ownerOnly @u8',
      'Boss.ammo: @teamOnly marks a field declared by Player; put it on the field in Player, beside its wire type',
      expect.stringMatching(/^Boss\.ammo: redeclares the schema field ammo/),
      'Plain.loose: @ownerOnly is a netschema field decorator, but Plain is not @schema; add @schema to the class',
      'Pouch.gold: @ownerOnly cannot hide this field inside Hero.pouch, which holds a Pouch and is visible to all; mark Hero.pouch @ownerOnly (whoever sees a holding field sees all of the object in it)',
    ]);
  });

  it('formats as path:line:col - error CODE: message, relative to cwd', () => {
    const d = byFile.get('ns1009-plain-field.ts')![0]!;
    expect(formatDiagnostic(d, TEST_DIR)).toBe(
      'fixtures/invalid/ns1009-plain-field.ts:5:7 - error NS1009: Player.hp: a plain field cannot be tracked under standard decorators; declare it with `accessor`: `@u8 accessor hp`',
    );
  });
});

describe('limits that need large generated schemas', () => {
  let tmp: TempDir;
  beforeAll(() => {
    tmp = makeTempDir();
  });
  afterAll(() => tmp.remove());

  it('NS1015 more schema classes than LIMITS.maxClasses, at the first class past the limit', () => {
    const n = LIMITS.maxClasses + 1;
    const names = Array.from({ length: n }, (_, i) => `C${String(i).padStart(5, '0')}`);
    const file = tmp.write(
      'many-classes.ts',
      ["import { schema } from '@netschema/runtime';", ...names.map((c) => `@schema export class ${c} {}`)].join('\n'),
    );
    const [r] = readSchemas([file]);
    expect(r!.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['NS1015', n + 1, 22]]);
    expect(r!.diagnostics[0]!.message).toBe(
      `C0${LIMITS.maxClasses}: the module has ${n} schema classes, more than the ${LIMITS.maxClasses} one module may have; split the schema into several files`,
    );
  });

  it('NS1011 an enum with more members than LIMITS.maxEnumMembers', () => {
    const members = Array.from({ length: LIMITS.maxEnumMembers + 1 }, (_, i) => `M${i}`).join(', ');
    const file = tmp.write(
      'big-enum.ts',
      `import { enumOf, schema } from '@netschema/runtime';\nexport enum Big { ${members} }\n@schema export class H { @enumOf(Big) accessor b = Big.M0; }\n`,
    );
    const [r] = readSchemas([file]);
    expect(r!.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['NS1011', 2, 13]]);
    expect(r!.diagnostics[0]!.message).toMatch(/^Big: the enum has 65537 members, more than the 65536/);
  });
});

describe('documentation and suggestions', () => {
  it('the README documents every diagnostic code', () => {
    const readme = readFileSync(join(TEST_DIR, '..', 'README.md'), 'utf8');
    for (const code of Object.keys(DIAGNOSTIC_CODES)) expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });

  it('suggests the closest wire type name, through aliases, and nothing for unrelated names', () => {
    expect(suggestName('unit8')).toBe('u8');
    expect(suggestName('uint16')).toBe('u16');
    expect(suggestName('float')).toBe('f32');
    expect(suggestName('boolean')).toBe('bool');
    expect(suggestName('quantised')).toBe('quantized');
    expect(suggestName('enumof')).toBe('enumOf');
    expect(suggestName('observable')).toBeUndefined();
  });
});
