import { afterAll, describe, expect, it } from 'vitest';
import { classInfoOf } from '../src/schema/class-info.js';
import type { Tracked } from '../src/tracking/tracked.js';
import { cleanCompiled, compileAndImport, label, VARIANTS, type Variant } from './compile-variants.js';

afterAll(cleanCompiled);

// The same schema in each dialect: standard decorators need `accessor`, legacy ones plain fields.
function source(v: Variant): string {
  const acc = v.dialect === 'standard' ? 'accessor ' : '';
  return `
    import { schema, u8, f32, string, child, array, optional, NetArray } from '@netschema/runtime';
    @schema export class Vec { @f32 ${acc}x = 0; @f32 ${acc}y = 0; }
    @schema export class Item { @string ${acc}name = ''; }
    @schema export class Unit {
      @f32 ${acc}x = 1;
      @u8 ${acc}hp = 100;
      @string ${acc}name: string;
      @child(Vec) ${acc}pos = new Vec();
      @array(Item) ${acc}items = new NetArray();
      @optional(u8) ${acc}shield = undefined;
      constructor(name = 'unit') { this.name = name; }
    }
    @schema export class Hero extends Unit { @u8 ${acc}level = 1; }
  `;
}

describe.each(VARIANTS)('schema classes under $compiler with $dialect decorators', (v) => {
  it(`records fields in order, inherited first (${label(v)})`, async () => {
    const m = await compileAndImport(source(v), v);
    const info = classInfoOf(m.Hero)!;
    expect(info.fields.map((f) => [f.index, f.name])).toEqual([
      [0, 'x'], [1, 'hp'], [2, 'name'], [3, 'pos'], [4, 'items'], [5, 'shield'], [6, 'level'],
    ]);
    expect(info.base?.name).toBe('Unit');
  });

  it('keeps initial values and fills defaults, with nothing marked changed', async () => {
    const m = await compileAndImport(source(v), v);
    const h = new (m.Hero as new () => Record<string, unknown> & Tracked)();
    expect([h.x, h.hp, h.name, h.level, h.shield]).toEqual([1, 100, 'unit', 1, undefined]);
    expect([h.$c0, h.$q]).toEqual([0, false]);
    expect(h instanceof (m.Unit as new () => object)).toBe(true);
  });

  it('marks a written field once and enqueues the object once per tick', async () => {
    const m = await compileAndImport(source(v), v);
    const u = new (m.Unit as new () => Record<string, unknown> & Tracked)();
    const changes: Tracked[] = [];
    u.$t = changes;
    u.hp = 5;
    u.hp = 6;
    u.x = 2;
    expect(u.$c0).toBe(0b11);
    expect(changes).toEqual([u]);
    u.hp = 6; // same value: not a change
    expect(changes.length).toBe(1);
  });

  it('propagates a nested change to the owner field and flags replacement', async () => {
    const m = await compileAndImport(source(v), v);
    const Vec = m.Vec as new () => Record<string, unknown> & Tracked;
    const u = new (m.Unit as new () => Record<string, unknown> & Tracked)();
    const changes: Tracked[] = [];
    u.$t = changes;
    const pos = u.pos as Record<string, unknown> & Tracked;
    pos.$t = changes;
    pos.y = 3;
    expect(u.$c0).toBe(1 << 3);
    expect(u.$r0).toBe(0);
    expect(changes).toEqual([pos, u]);
    u.pos = new Vec();
    expect(u.$r0).toBe(1 << 3);
    expect(pos.$p).toBe(null);
  });

  it('refuses to give one schema object two owners', async () => {
    const m = await compileAndImport(source(v), v);
    const Unit = m.Unit as new () => Record<string, unknown>;
    const a = new Unit();
    const b = new Unit();
    expect(() => {
      b.pos = a.pos;
    }).toThrow(/Unit\.pos: this Vec already belongs to another object/);
  });
});

describe('misuse is reported when the class is defined or first built', () => {
  it('standard decorators on a plain field fail at class definition, naming the fix', async () => {
    const src = `import { schema, u8 } from '@netschema/runtime'; @schema export class P { @u8 hp = 1; }`;
    for (const compiler of ['tsc', 'esbuild'] as const) {
      await expect(compileAndImport(src, { compiler, dialect: 'standard', defineFields: true })).rejects.toThrow(/hp: .*Write `@u8 accessor hp = \.\.\.`/);
    }
  });

  it('legacy decorators with [[Define]] class fields fail on the first instance, naming class, field and fix', async () => {
    const src = `import { schema, u8 } from '@netschema/runtime'; @schema export class P { @u8 hp = 1; }`;
    for (const compiler of ['tsc', 'esbuild'] as const) {
      const m = await compileAndImport(src, { compiler, dialect: 'legacy', defineFields: true });
      expect(() => new (m.P as new () => object)()).toThrow(/P\.hp: an own property shadows .*useDefineForClassFields.*false/);
    }
  });

  it('a subclass redeclaring a tracked field as a plain field fails on its first instance', async () => {
    const src = `import { schema, u8 } from '@netschema/runtime';
      @schema export class A { @u8 accessor hp = 1; }
      @schema export class B extends A { hp = 5; }`;
    const m = await compileAndImport(src, { compiler: 'tsc', dialect: 'standard', defineFields: true });
    expect(() => new (m.B as new () => object)()).toThrow(/B\.hp: an own property shadows/);
    expect(() => new (m.A as new () => object)()).not.toThrow();
  });

  it('a decorated field in a class without @schema fails on the first instance', async () => {
    const src = `import { u8 } from '@netschema/runtime'; export class P { @u8 accessor hp = 1; }`;
    const m = await compileAndImport(src, { compiler: 'esbuild', dialect: 'standard', defineFields: true });
    expect(() => new (m.P as new () => object)()).toThrow(/P\.hp has a netschema field decorator, but P is not decorated with @schema/);
  });

  it('a @schema class extending an undecorated class with fields fails at definition', async () => {
    const src = `import { schema, u8 } from '@netschema/runtime';
      export class A { @u8 accessor hp = 1; }
      @schema export class B extends A { @u8 accessor mp = 1; }`;
    await expect(compileAndImport(src, { compiler: 'tsc', dialect: 'standard', defineFields: true })).rejects.toThrow(/B extends A, which has netschema fields but no @schema/);
  });

  it('bad quantization and angle arguments fail at definition with the allowed range', async () => {
    const bad = [
      [`quantized({ min: 5, max: 5, bits: 8 })`, /quantized: expected finite min < max, got min 5, max 5/],
      [`quantized({ min: 0, max: 1, bits: 40 })`, /quantized: expected 1 to 32 bits, got 40/],
      [`angle(0)`, /angle: expected 1 to 32 bits, got 0/],
    ] as const;
    for (const [deco, err] of bad) {
      const src = `import { schema, quantized, angle } from '@netschema/runtime'; void quantized; void angle; @schema export class P { @${deco} accessor v = 0; }`;
      await expect(compileAndImport(src, { compiler: 'esbuild', dialect: 'standard', defineFields: true })).rejects.toThrow(err);
    }
  });

  it('more fields than the limit fail at definition', async () => {
    const fields = Array.from({ length: 65 }, (_, i) => `@u8 accessor f${i} = 0;`).join(' ');
    const src = `import { schema, u8 } from '@netschema/runtime'; @schema export class Big { ${fields} }`;
    await expect(compileAndImport(src, { compiler: 'tsc', dialect: 'standard', defineFields: true })).rejects.toThrow(/Big\.f64: a schema class holds at most 64 fields/);
  });
});

describe.each(VARIANTS)('visibility markers under $compiler with $dialect decorators', (v) => {
  const acc = v.dialect === 'standard' ? 'accessor ' : '';
  const compile = (body: string) =>
    compileAndImport(`import { schema, u8, u16, string, child, ownerOnly, teamOnly, array } from '@netschema/runtime'; void u16; void string; void child; void array; void ownerOnly; void teamOnly;\n${body}`, v);
  const visibility = (cls: unknown) => classInfoOf(cls)!.fields.map((f) => [f.name, f.visibility]);

  it(`records ownerOnly and teamOnly before or after the wire type, inherited fields keeping theirs (${label(v)})`, async () => {
    const m = await compile(`
      @schema export class Pouch { @u8 ${acc}coins = 0; }
      @schema export class P {
        @u8 ${acc}x = 0;
        @ownerOnly @u8 ${acc}ammo = 30;
        @u8 @ownerOnly ${acc}ammo2 = 30;
        @teamOnly @u16 ${acc}hp = 100;
        @string @teamOnly ${acc}plan = '';
        @ownerOnly @child(Pouch) ${acc}pouch = new Pouch();
      }
      @schema export class Q extends P { @teamOnly @u8 ${acc}orders = 0; @u8 ${acc}open = 0; }`);
    expect(visibility(m.P)).toEqual([['x', 'all'], ['ammo', 'owner'], ['ammo2', 'owner'], ['hp', 'team'], ['plan', 'team'], ['pouch', 'owner']]);
    expect(visibility(m.Q)).toEqual([...visibility(m.P), ['orders', 'team'], ['open', 'all']]);
    expect(visibility(m.Pouch)).toEqual([['coins', 'all']]);
    // A marked field is tracked like any other.
    const q = new (m.Q as new () => Record<string, unknown> & Tracked)();
    expect([q.ammo, q.hp, q.orders]).toEqual([30, 100, 0]);
    q.ammo2 = 5;
    q.orders = 1;
    expect(q.$c0).toBe((1 << 2) | (1 << 6));
    expect(classInfoOf(m.Q)!.fields[5]!.nested).toBe(true);
  });

  it(`both markers, a repeated marker, or a marker without a wire type fail at definition, naming Class.field (${label(v)})`, async () => {
    await expect(compile(`@schema export class P { @ownerOnly @teamOnly @u8 ${acc}ammo = 0; }`)).rejects.toThrow(
      /^P\.ammo: has both @ownerOnly and @teamOnly, but a field has one visibility; keep @ownerOnly .* or @teamOnly/,
    );
    await expect(compile(`@schema export class P { @u8 @teamOnly @ownerOnly ${acc}ammo = 0; }`)).rejects.toThrow(/^P\.ammo: has both @ownerOnly and @teamOnly/);
    await expect(compile(`@schema export class P { @teamOnly @teamOnly @u8 ${acc}hp = 0; }`)).rejects.toThrow(/^P\.hp: @teamOnly is written twice; remove one$/);
    await expect(compile(`@schema export class P { @u8 ${acc}x = 0; @ownerOnly ${acc}bare = 0; }`)).rejects.toThrow(
      /^P\.bare: @ownerOnly has no netschema wire type beside it, so there is no field to hide; write `@ownerOnly @u8 accessor bare`/,
    );
    await expect(compile(`@schema export class A { @u8 ${acc}hp = 0; } @schema export class B extends A { @teamOnly ${acc}hp = 0; }`)).rejects.toThrow(
      /^B\.hp: @teamOnly marks a field declared by a base class; put it on the field where the base class declares it/,
    );
  });

  it(`a marker on a method, a static field, a class or as a wire type fails, naming the fix (${label(v)})`, async () => {
    await expect(compile(`@schema export class P { @u8 ${acc}x = 0; @ownerOnly fire() {} }`)).rejects.toThrow(
      /^P\.fire: @ownerOnly goes on a public instance field next to its wire type \(`@ownerOnly @u8 accessor fire = 0`\), not on a method/,
    );
    await expect(compile(`@schema export class P { @teamOnly static ${acc}count = 0; }`)).rejects.toThrow(/^P\.count: @teamOnly goes on a public instance field .*, not on a static field/);
    await expect(compile(`@ownerOnly @schema export class P { @u8 ${acc}x = 0; }`)).rejects.toThrow(/^P: @ownerOnly goes on a public instance field .*, not on a class/);
    await expect(compile(`@schema export class P { @array(ownerOnly) ${acc}list = []; }`)).rejects.toThrow(/ownerOnly is a visibility marker, not a wire type/);
  });
});
