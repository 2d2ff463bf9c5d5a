import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { devChecks, setDevChecks } from '@netschema/runtime';
import { cleanCompiled, compileAndImport, label, VARIANTS, type Variant } from './compile-variants.js';

afterAll(cleanCompiled);
const initial = devChecks();
afterEach(() => setDevChecks(initial));

// One class of each wire type family, written through an initializer, a constructor argument
// and later assignments, in each toolchain and decorator dialect.
function source(v: Variant): string {
  const acc = v.dialect === 'standard' ? 'accessor ' : '';
  return `
    import { schema, u8, i8, f32, varuint, bool, string, bytes, optional, enumOf, quantized, child } from '@netschema/runtime';
    export enum Team { Red = 'red', Blue = 'blue' }
    @schema export class Vec { @f32 ${acc}x = 0; }
    @schema export class Player {
      @string ${acc}name: string;
      @u8 ${acc}hp = 100;
      @i8 ${acc}dx = 0;
      @f32 ${acc}x = 0;
      @varuint ${acc}score = 0;
      @bool ${acc}alive = true;
      @bytes ${acc}blob = new Uint8Array(0);
      @optional(string) ${acc}title = undefined;
      @enumOf(Team, 'Team') ${acc}team = Team.Red;
      @quantized({ min: 0, max: 10, bits: 8 }) ${acc}q = 1;
      @child(Vec) ${acc}pos = new Vec();
      constructor(name = 'p') { this.name = name; }
    }
    export const make = (name) => new Player(name);
    export const badInit = () => { @schema class BadInit { @u8 ${acc}hp = 'full'; } return new BadInit(); };
  `;
}

type Player = Record<string, unknown>;

describe.each(VARIANTS)('development write checks under $compiler with $dialect decorators', (v) => {
  it(`a wrong-typed write throws a TypeError naming class, field, expected and got (${label(v)})`, async () => {
    setDevChecks(true);
    const m = await compileAndImport(source(v), v);
    const p = (m.make as (n?: string) => Player)('ada');
    const refused: [string, unknown, RegExp][] = [
      ['name', undefined, /^Player\.name: expected a string \(@string\), got undefined/],
      ['name', 7, /^Player\.name: expected a string \(@string\), got 7/],
      ['hp', 'x', /^Player\.hp: expected an integer from 0 to 255 \(@u8\), got "x"/],
      ['hp', 300, /^Player\.hp: expected an integer from 0 to 255 \(@u8\), got 300/],
      ['hp', 1.5, /^Player\.hp: expected an integer from 0 to 255 \(@u8\), got 1\.5/],
      ['dx', -129, /^Player\.dx: expected an integer from -128 to 127 \(@i8\), got -129/],
      ['x', null, /^Player\.x: expected a number \(@f32\), got null/],
      ['score', -1, /^Player\.score: expected an integer from 0 to \d+ \(@varuint\), got -1/],
      ['alive', 1, /^Player\.alive: expected a boolean \(@bool\), got 1/],
      ['blob', [1, 2], /^Player\.blob: expected a Uint8Array \(@bytes\), got an Array/],
      ['title', 5, /^Player\.title: expected a string \(@string\) or undefined \(optional\), got 5/],
      ['team', 'green', /^Player\.team: expected a member of Team \("red", "blue"\), got "green"/],
      ['q', '3', /^Player\.q: expected a number \(@quantized\), got "3"/],
    ];
    for (const [field, value, message] of refused) {
      const before = p[field];
      expect(() => (p[field] = value), `${field} = ${String(value)}`).toThrow(TypeError);
      expect(() => (p[field] = value)).toThrow(message);
      expect(p[field], `${field} keeps its value`).toBe(before);
    }
    // What the wire types carry passes.
    Object.assign(p, { name: '', hp: 255, dx: -128, x: NaN, score: 2 ** 40, alive: false, blob: new Uint8Array(2), title: 'sir', team: 'blue', q: 99 });
    p.title = undefined;
    expect(p.hp).toBe(255);
  });

  it(`constructor arguments and class field initializers go through the same check (${label(v)})`, async () => {
    setDevChecks(true);
    const m = await compileAndImport(source(v), v);
    expect(() => (m.make as (n: unknown) => Player)(undefined)).not.toThrow(); // the default parameter fills it
    expect(() => (m.make as (n: unknown) => Player)(42)).toThrow(/^Player\.name: expected a string \(@string\), got 42/);
    expect(() => (m.badInit as () => Player)()).toThrow(/^BadInit\.hp: expected an integer from 0 to 255 \(@u8\), got "full"/);
  });

  it(`classes defined with checks off have none; turning checks off lets writes through on checked classes (${label(v)})`, async () => {
    setDevChecks(false);
    const loose = await compileAndImport(source(v), v);
    setDevChecks(true);
    const p = (loose.make as (n?: string) => Player)();
    p.name = undefined;
    p.hp = 'x';
    expect([p.name, p.hp]).toEqual([undefined, 'x']);
    const strict = await compileAndImport(source(v), v);
    const q = (strict.make as (n?: string) => Player)();
    expect(() => (q.name = undefined)).toThrow(TypeError);
    setDevChecks(false);
    q.name = undefined;
    expect(q.name).toBeUndefined();
  });
});

it('nested fields keep their check in every build: a plain value is refused by adopt', async () => {
  setDevChecks(false);
  const v = VARIANTS[0]!;
  const m = await compileAndImport(source(v), v);
  const p = (m.make as (n?: string) => Player)();
  expect(() => (p.pos = { x: 1 })).toThrow(/Player\.pos: expected a @schema object/);
});
