import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SchemaIR } from '../src/ir/schema-ir.js';
import { readSchemas } from '../src/read-schema.js';
import { FIXTURES } from './support/temp-dir.js';

const STATE = join(FIXTURES, 'valid', 'state.ts');
const SHAPES = join(FIXTURES, 'valid', 'shapes.ts');
const RENAMED = join(FIXTURES, 'valid', 'renamed.ts');
const LEGACY = join(FIXTURES, 'legacy', 'state.ts');
const VISIBILITY = join(FIXTURES, 'valid', 'visibility.ts');
const ALIASES = join(FIXTURES, 'valid', 'aliases.ts');
const LEGACY_VISIBILITY = join(FIXTURES, 'legacy', 'visibility.ts');

const fieldSummary = (ir: SchemaIR, cls: string) =>
  ir.classes.find((c) => c.name === cls)!.fields.map((f) => [f.index, f.name, f.declaredIn, f.optional]);

describe('readSchema on a valid multi-class schema', () => {
  let ir: SchemaIR;
  beforeAll(() => {
    const [state] = readSchemas([STATE]);
    expect(state!.diagnostics).toEqual([]);
    ir = state!.ir!;
  });

  it('takes every class of the file plus the one reached through a field in another file, ids in name order', () => {
    expect(ir.sourceFile).toBe(STATE);
    expect(ir.classes.map((c) => [c.id, c.name, c.sourceFile])).toEqual([
      [1, 'Boss', STATE],
      [2, 'Item', STATE],
      [3, 'Minion', STATE],
      [4, 'Player', STATE],
      [5, 'Vec2', SHAPES],
    ]);
  });

  it('reads each wire type, with quantized precision resolved to bits', () => {
    const player = ir.classes.find((c) => c.name === 'Player')!;
    expect(player.fields.map((f) => [f.name, f.type, f.optional])).toEqual([
      ['x', { kind: 'quantized', min: -1000, max: 1000, bits: 16 }, false],
      ['y', { kind: 'quantized', min: 0, max: 100, bits: 14 }, false],
      ['heading', { kind: 'angle', bits: 8, unit: 'rad' }, false],
      ['aim', { kind: 'angle', bits: 10, unit: 'deg' }, false],
      ['hp', { kind: 'primitive', name: 'u8' }, false],
      ['alive', { kind: 'primitive', name: 'bool' }, false],
      ['blob', { kind: 'primitive', name: 'bytes' }, false],
      ['team', { kind: 'enum', name: 'Team' }, false],
      ['mood', { kind: 'enum', name: 'Mood' }, false],
      ['velocity', { kind: 'ref', className: 'Vec2' }, false],
      ['items', { kind: 'array', element: { kind: 'ref', className: 'Item' } }, false],
      ['scores', { kind: 'map', key: 'string', value: { kind: 'primitive', name: 'u8' } }, false],
      ['title', { kind: 'primitive', name: 'string' }, true],
      ['held', { kind: 'ref', className: 'Item' }, true],
    ]);
    expect(player.fields.map((f) => f.index)).toEqual([...player.fields.keys()]);
  });

  it('puts inherited fields first, numbers them on, and lists subclasses transitively in id order', () => {
    const minion = fieldSummary(ir, 'Minion');
    expect(minion).toHaveLength(16);
    expect(minion[0]).toEqual([0, 'x', 'Player', false]);
    expect(minion[14]).toEqual([14, 'rage', 'Boss', false]);
    expect(minion[15]).toEqual([15, 'weights', 'Minion', false]);
    const byName = new Map(ir.classes.map((c) => [c.name, c]));
    expect(byName.get('Minion')!.fields[15]!.type).toEqual({ kind: 'array', element: { kind: 'quantized', min: 0, max: 1, bits: 4 } });
    expect([byName.get('Boss')!.base, byName.get('Minion')!.base, byName.get('Player')!.base]).toEqual(['Player', 'Boss', null]);
    expect(byName.get('Player')!.subclasses).toEqual(['Boss', 'Minion']);
    expect(byName.get('Boss')!.subclasses).toEqual(['Minion']);
    expect(byName.get('Item')!.subclasses).toEqual([]);
  });

  it('records positions of classes and fields (1-based, at the name)', () => {
    const player = ir.classes.find((c) => c.name === 'Player')!;
    expect(player.pos).toEqual({ file: STATE, line: 23, col: 14 });
    expect(player.fields.find((f) => f.name === 'hp')!.pos).toEqual({ file: STATE, line: 28, col: 16 });
    expect(ir.classes.find((c) => c.name === 'Vec2')!.fields[0]!.pos).toEqual({ file: SHAPES, line: 6, col: 17 });
  });

  it('collects enums in name order with members in declaration order and their values', () => {
    expect(ir.enums.map((e) => [e.name, e.members, e.pos.line])).toEqual([
      ['Mood', [{ name: 'Calm', value: 'calm' }, { name: 'Angry', value: 'angry' }], 9],
      ['Team', [{ name: 'Red', value: 0 }, { name: 'Blue', value: 5 }], 4],
    ]);
  });

  it('does not pull in schema classes of other files that nothing references', () => {
    expect(ir.classes.some((c) => c.name === 'Unused')).toBe(false);
  });
});

describe('decorator recognition', () => {
  it('follows renamed imports and namespace imports to the runtime exports', () => {
    const [r] = readSchemas([RENAMED]);
    expect(r!.diagnostics).toEqual([]);
    expect(r!.ir!.classes.map((c) => c.name)).toEqual(['Renamed']);
    expect(r!.ir!.classes[0]!.fields.map((f) => [f.name, f.type])).toEqual([
      ['level', { kind: 'primitive', name: 'u8' }],
      ['label', { kind: 'primitive', name: 'string' }],
      ['ratio', { kind: 'quantized', min: 0, max: 1, bits: 8 }],
    ]);
  });

  it('reads plain properties when the nearest tsconfig enables experimentalDecorators', () => {
    const [r] = readSchemas([LEGACY]);
    expect(r!.diagnostics).toEqual([]);
    expect(r!.ir!.classes.map((c) => [c.id, c.name, c.fields.map((f) => [f.name, f.type])])).toEqual([
      [1, 'Hero', [['hp', { kind: 'primitive', name: 'u16' }], ['stats', { kind: 'ref', className: 'Stats' }]]],
      [2, 'Stats', [['level', { kind: 'primitive', name: 'u8' }]]],
    ]);
  });
});

describe('visibility markers', () => {
  const visibilities = (ir: SchemaIR, cls: string) => ir.classes.find((c) => c.name === cls)!.fields.map((f) => [f.name, f.visibility]);

  it('records @ownerOnly and @teamOnly in either order, through renamed and namespace imports, inherited fields keeping theirs', () => {
    const [r] = readSchemas([VISIBILITY]);
    expect(r!.diagnostics).toEqual([]);
    expect(visibilities(r!.ir!, 'Fighter')).toEqual([['hp', 'all'], ['ammo', 'owner'], ['plan', 'team'], ['pouch', 'owner']]);
    expect(visibilities(r!.ir!, 'Captain')).toEqual([['hp', 'all'], ['ammo', 'owner'], ['plan', 'team'], ['pouch', 'owner'], ['orders', 'team']]);
    expect(visibilities(r!.ir!, 'Pouch')).toEqual([['coins', 'all']]);
    // Markers are not wire types: the field's type is its one wire type decorator.
    expect(r!.ir!.classes.find((c) => c.name === 'Fighter')!.fields[3]!.type).toEqual({ kind: 'ref', className: 'Pouch' });
  });

  it('reads markers on plain properties under experimentalDecorators', () => {
    const [r] = readSchemas([LEGACY_VISIBILITY]);
    expect(r!.diagnostics).toEqual([]);
    expect(visibilities(r!.ir!, 'Scout')).toEqual([['hp', 'all'], ['ammo', 'owner'], ['plan', 'team']]);
  });
});

describe('readSchema with wire types bound to names', () => {
  it('reads `const coord = quantized({...})` used as `@coord`, across files and through other names', () => {
    const [r] = readSchemas([ALIASES]);
    expect(r!.diagnostics).toEqual([]);
    const cls = r!.ir!.classes.find((c) => c.name === 'Aliased')!;
    expect(cls.fields.map((f) => [f.name, f.type])).toEqual([
      ['x', { kind: 'quantized', min: 0, max: 2000, bits: 16 }],
      ['y', { kind: 'quantized', min: 0, max: 2000, bits: 16 }],
      ['dir', { kind: 'quantized', min: 0, max: 360, bits: 9 }],
      ['hp', { kind: 'primitive', name: 'u8' }],
      ['flags', { kind: 'array', element: { kind: 'primitive', name: 'u8' } }],
    ]);
  });
});
