import { isNestedType, PRIMITIVES, type PrimitiveInfo } from '@netschema/runtime/catalog';
import type { ClassIR, FieldIR, TypeIR } from '../ir/schema-ir.js';
import { angleEncodeArgs, maskTest, quantArgs, wordCount, type SchemaContext } from './field-plan.js';
import { num, str, type Printer } from './printer.js';

/** 'an' before a vowel sound (roughly), for generated comments. */
export function article(name: string): string {
  return /^[AEIOU]/.test(name) ? 'an' : 'a';
}

/**
 * The test that refuses `v` as a value of a primitive wire type, from the catalog's facts: the
 * bit trick of a fixed-width integer's width (`(v & 0xff) !== v`), one operation.
 */
function refusedPrimitive(info: PrimitiveInfo, v: string): string {
  if (info.ts === 'Uint8Array') return `!(${v} instanceof Uint8Array)`;
  if (info.ts !== 'number' || info.min === undefined || info.max === undefined) return `typeof ${v} !== '${info.ts}'`;
  if (info.variable) {
    // A varuint holds every safe integer >= 0; a varint is symmetric but for its top (±2^52, 2^52 excluded).
    if (info.min === 0) return `!(Number.isSafeInteger(${v}) && ${v} >= 0)`;
    return `!(Number.isSafeInteger(${v}) && Math.abs(${v}) <= ${num(-info.min)} && ${v} !== ${num(-info.min)})`;
  }
  const shift = 32 - 8 * info.bytes;
  if (info.min < 0) return shift === 0 ? `(${v} | 0) !== ${v}` : `(${v} << ${shift}) >> ${shift} !== ${v}`;
  return shift === 0 ? `${v} >>> 0 !== ${v}` : `(${v} & 0x${info.max.toString(16)}) !== ${v}`;
}

/** Names of the generated functions of a class. */
export const fn = {
  encode: (c: string) => `encode${c}`,
  encodePatch: (c: string) => `encode${c}Patch`,
  decode: (c: string) => `decode${c}`,
  decodePatch: (c: string) => `decode${c}Patch`,
  size: (c: string) => `size${c}`,
  ids: (c: string) => `${c}$ids`,
  enumIndex: (e: string) => `${e}$index`,
  enumValues: (e: string) => `${e}$values`,
};

/**
 * Emits the encoders: full state, patch and size bound, one straight-line function each per
 * class. Helpers take the code of the value to encode and print statements.
 */
export class EncoderEmitter {
  private tmp = 0;
  /** `Class.field` of the value being written, for EncodeError messages. */
  private where = '';
  /**
   * Every bit-block value written in the current block starts on a byte boundary (each one
   * before it is whole bytes), so whole-byte values can skip the bit accumulator.
   */
  private aligned = false;
  constructor(
    private readonly ctx: SchemaContext,
    private readonly p: Printer,
    private readonly srcType: (className: string) => string,
  ) {}

  /**
   * A one-line check that `v` fits its wire type, so a bad value fails loudly with the field's
   * name instead of wrapping (u8 300 → 44) or throwing an obscure TypeError. Each is one or two
   * operations: integer checks use the bit trick of their width.
   */
  private guard(t: TypeIR, v: string): void {
    const check = (cond: string, expected: string): void => {
      this.p.line(`if (${cond}) $rt.invalid(${str(this.where)}, ${str(expected)}, ${v});`);
    };
    if (t.kind === 'primitive') {
      const info = PRIMITIVES[t.name];
      return check(refusedPrimitive(info, v), info.expected);
    }
    if (t.kind === 'quantized' || t.kind === 'angle') return check(`typeof ${v} !== 'number'`, 'a number');
    // Duck-typed rather than instanceof, so client bundles need not include the collection classes.
    if (t.kind === 'array') return check(`typeof ${v}?.$items !== 'function'`, 'a NetArray (plain arrays are not tracked)');
    if (t.kind === 'map') return check(`typeof ${v}?.$ops !== 'function'`, 'a NetMap (plain Maps are not tracked)');
    if (t.kind === 'ref') return check(`${v} == null`, `a ${t.className}`);
  }

  private t(prefix: string): string {
    return `${prefix}${this.tmp++}`;
  }

  /** A bit-block value. */
  private bits(t: TypeIR, v: string): void {
    const p = this.p;
    if (t.kind !== 'enum') this.guard(t, v);
    const n = this.ctx.bitsOf(t);
    const bytes = this.aligned && n % 8 === 0 ? n / 8 : 0;
    switch (t.kind) {
      case 'primitive': p.line(`w.bits(${v} ? 1 : 0, 1);`); return;
      case 'quantized':
        if (bytes) p.line(`w.quantizedBytes(${v}, ${quantArgs(t).replace(/, \d+$/, '')}, ${bytes});`);
        else p.line(`w.quantized(${v}, ${quantArgs(t)});`);
        return;
      case 'angle':
        if (bytes) p.line(`w.angleBytes(${v}, ${angleEncodeArgs(t).replace(/, \d+$/, '')}, ${bytes});`);
        else p.line(`w.angle(${v}, ${angleEncodeArgs(t)});`);
        return;
      case 'enum': {
        if (n > 0) p.line(bytes ? `w.uintLE(${fn.enumIndex(t.name)}(${v}), ${bytes});` : `w.bits(${fn.enumIndex(t.name)}(${v}), ${n});`);
        return;
      }
      default: throw new Error(`internal: ${t.kind} is not a bit-block type`);
    }
  }

  private fixed(t: TypeIR, v: string): void {
    if (t.kind !== 'primitive') throw new Error('internal: not a fixed type');
    this.guard(t, v);
    this.p.line(`w.${t.name}(${v});`);
  }

  /** A value in whichever block it belongs to, for collection elements (bit values own their padding). */
  private element(t: TypeIR, v: string): void {
    const b = this.ctx.blockOf(t);
    if (b === 'bits') {
      this.p.line('w.reserve(4);');
      this.withAligned(true, () => this.bits(t, v));
      this.p.line('w.flushBits();');
    } else if (b === 'fixed') {
      this.p.line(`w.reserve(${this.ctx.fixedBytesOf(t)});`);
      this.fixed(t, v);
    } else {
      this.varFull(t, v);
    }
  }

  private refFull(className: string, v: string): void {
    if (this.ctx.polymorphic(className)) this.p.line(`$rt.encodeAnyFull(netschema, w, ${v}, ${fn.ids(className)});`);
    else this.p.line(`${fn.encode(className)}(w, ${v});`);
  }

  private refPatch(className: string, v: string): void {
    if (this.ctx.polymorphic(className)) this.p.line(`$rt.encodeAnyPatch(netschema, w, ${v}, ${fn.ids(className)});`);
    else this.p.line(this.refPatchExpr(className, v));
  }

  /** A variable-block value, whole. Each of these reserves what it writes. */
  private varFull(t: TypeIR, v: string): void {
    const p = this.p;
    this.guard(t, v);
    const outer = this.where;
    if (t.kind === 'array' || t.kind === 'map') this.where = `${outer}[]`;
    try {
      this.varFullUnguarded(t, v);
    } finally {
      this.where = outer;
    }
  }

  private varFullUnguarded(t: TypeIR, v: string): void {
    const p = this.p;
    switch (t.kind) {
      case 'primitive':
        p.line(`w.${t.name}(${v});`);
        return;
      case 'ref':
        this.refFull(t.className, v);
        return;
      case 'array': {
        const a = this.t('a');
        const i = this.t('i');
        p.block('', () => {
          p.line(`const ${a} = ${v}.$items();`);
          const eb = this.ctx.blockOf(t.element);
          if (eb === 'bits') {
            p.line(`w.reserve(8 + Math.ceil(${a}.length * ${this.ctx.bitsOf(t.element)} / 8));`);
            p.line(`w.varuint(${a}.length);`);
            p.block(`for (let ${i} = 0; ${i} < ${a}.length; ${i}++)`, () => this.withAligned(true, () => this.bits(t.element, `${a}[${i}]!`)));
            p.line('w.flushBits();');
          } else if (eb === 'fixed') {
            p.line(`w.reserve(8 + ${a}.length * ${this.ctx.fixedBytesOf(t.element)});`);
            p.line(`w.varuint(${a}.length);`);
            p.block(`for (let ${i} = 0; ${i} < ${a}.length; ${i}++)`, () => this.fixed(t.element, `${a}[${i}]!`));
          } else {
            p.line('w.reserve(8);');
            p.line(`w.varuint(${a}.length);`);
            p.block(`for (let ${i} = 0; ${i} < ${a}.length; ${i}++)`, () => this.varFull(t.element, `${a}[${i}]!`));
          }
        });
        return;
      }
      case 'map': {
        const m = this.t('m');
        const k = this.t('k');
        const x = this.t('v');
        p.block('', () => {
          p.line(`const ${m} = ${v}.$map();`);
          p.line('w.reserve(8);');
          p.line(`w.varuint(${m}.size);`);
          p.block(`for (const [${k}, ${x}] of ${m})`, () => {
            this.key(t.key, k);
            this.element(t.value, x);
          });
        });
        return;
      }
      default:
        throw new Error(`internal: ${t.kind} is not a variable-block type`);
    }
  }

  private key(kind: 'string' | 'number', k: string): void {
    if (kind === 'string') this.p.line(`w.string(${k});`);
    else {
      this.p.line('w.reserve(8);');
      this.p.line(`w.varint(${k});`);
    }
  }

  /** A nested field that changed in place: its own patch. */
  private varPatch(t: TypeIR, v: string): void {
    const outer = this.where;
    if (t.kind === 'array' || t.kind === 'map') this.where = `${outer}[]`;
    try {
      this.varPatchUnguarded(t, v);
    } finally {
      this.where = outer;
    }
  }

  private varPatchUnguarded(t: TypeIR, v: string): void {
    const p = this.p;
    switch (t.kind) {
      case 'ref':
        this.refPatch(t.className, v);
        return;
      case 'array': {
        const a = this.t('a');
        const idx = this.t('idx');
        const j = this.t('j');
        const i = this.t('i');
        const prev = this.t('prev');
        const schemaElems = t.element.kind === 'ref';
        p.block('', () => {
          p.line(`const ${a} = ${v}.$items();`);
          p.line(`const ${idx} = ${v}.$patchIndices();`);
          p.line('w.reserve(16);');
          p.line(`w.varuint(${a}.length);`);
          p.line(`w.varuint(${idx}.length);`);
          p.line(`let ${prev} = 0;`);
          p.block(`for (let ${j} = 0; ${j} < ${idx}.length; ${j}++)`, () => {
            p.line(`const ${i} = ${idx}[${j}]!;`);
            p.line('w.reserve(9);');
            p.line(`w.varuint(${i} - ${prev});`);
            p.line(`${prev} = ${i};`);
            if (schemaElems) {
              const op = this.t('op');
              p.line(`const ${op} = ${v}.$opAt(${i});`);
              p.line(`w.u8(${op});`);
              const el = this.t('el');
              p.line(`if (${op} === $rt.ARRAY_OP_PATCH) {`);
              p.line(`  const ${el} = ${a}[${i}]!;`);
              p.line(`  ${this.refPatchExpr((t.element as { className: string }).className, el)}`);
              p.line('} else {');
              p.line(`  ${this.refFullExpr((t.element as { className: string }).className, `${a}[${i}]!`)}`);
              p.line('}');
            } else {
              this.element(t.element, `${a}[${i}]!`);
            }
          });
        });
        return;
      }
      case 'map': {
        const m = this.t('m');
        const ops = this.t('ops');
        const k = this.t('k');
        const op = this.t('op');
        p.block('', () => {
          p.line(`const ${m} = ${v}.$map();`);
          p.line(`const ${ops} = ${v}.$ops();`);
          p.line('w.reserve(9);');
          p.line(`const ${ops}Cleared = ${v}.$wasCleared();`);
          p.line(`w.varuint(${ops}.size + (${ops}Cleared ? 1 : 0));`);
          p.line(`if (${ops}Cleared) w.u8($rt.MAP_OP_CLEAR);`);
          p.block(`for (const [${k}, ${op}] of ${ops})`, () => {
            p.line('w.reserve(1);');
            p.line(`w.u8(${op});`);
            this.key(t.key, k);
            p.block(`if (${op} === $rt.MAP_OP_SET || ${op} === $rt.MAP_OP_READD)`, () => this.element(t.value, `${m}.get(${k})!`));
            if (t.value.kind === 'ref') {
              const cn = t.value.className;
              p.block(`else if (${op} === $rt.MAP_OP_PATCH)`, () => {
                const el = this.t('el');
                p.line(`const ${el} = ${m}.get(${k})!;`);
                p.line(this.refPatchExpr(cn, el));
              });
            }
          });
        });
        return;
      }
      default:
        throw new Error(`internal: ${t.kind} has no patch form`);
    }
  }

  private refFullExpr(className: string, v: string): string {
    return this.ctx.polymorphic(className)
      ? `$rt.encodeAnyFull(netschema, w, ${v}, ${fn.ids(className)});`
      : `${fn.encode(className)}(w, ${v});`;
  }

  private refPatchExpr(className: string, v: string): string {
    return this.ctx.polymorphic(className)
      ? `$rt.encodeAnyPatch(netschema, w, ${v}, ${fn.ids(className)});`
      : `{ const t = ${v} as unknown as $rt.Tracked; ${fn.encodePatch(className)}(w, ${v}, t.$c0, t.$c1, t.$r0, t.$r1); }`;
  }

  private fieldsIn(c: ClassIR, block: 'bits' | 'fixed' | 'var'): FieldIR[] {
    return c.fields.filter((f) => this.ctx.blockOf(f.type) === block);
  }

  /** Bytes reserved up front: the bit block at its largest, plus the fixed block. */
  private fixedPart(c: ClassIR, patch: boolean): number {
    let bits = 0;
    let bytes = patch ? 5 * wordCount(c) : 0;
    for (const f of c.fields) {
      if (f.optional) bits++;
      if (patch && isNestedType(f.type)) bits++;
      bits += this.ctx.bitsOf(f.type);
      bytes += this.ctx.fixedBytesOf(f.type);
    }
    return Math.ceil(bits / 8) + bytes;
  }

  private withAligned(on: boolean, body: () => void): void {
    const before = this.aligned;
    this.aligned = on;
    try {
      body();
    } finally {
      this.aligned = before;
    }
  }

  /** Whether every value of the class's bit block is whole bytes, flags included (see `aligned`). */
  wholeBytes(c: ClassIR, patch: boolean): boolean {
    return c.fields.every((f) => !f.optional && !(patch && isNestedType(f.type)) && this.ctx.bitsOf(f.type) % 8 === 0);
  }

  /** Whether the class writes a bit block (in patches, replaced flags count too). */
  hasBits(c: ClassIR, patch: boolean): boolean {
    return c.fields.some((f) => f.optional || this.ctx.bitsOf(f.type) > 0 || (patch && isNestedType(f.type)));
  }

  emitClass(c: ClassIR): void {
    this.emitFull(c);
    this.emitPatch(c);
    this.emitSize(c);
  }

  private emitFull(c: ClassIR): void {
    const p = this.p;
    p.line(`/** Writes every field of ${article(c.name)} ${c.name}. */`);
    p.block(`function ${fn.encode(c.name)}(w: $rt.Writer, e: ${this.srcType(c.name)}): void`, () => {
      p.line(`w.reserve(${this.fixedPart(c, false)});`);
      this.aligned = this.wholeBytes(c, false);
      for (const f of c.fields) {
        this.where = `${c.name}.${f.name}`;
        const v = `e.${f.name}`;
        const isBits = this.ctx.blockOf(f.type) === 'bits';
        if (f.optional) {
          p.line(`w.bits(${v} !== undefined ? 1 : 0, 1); // ${f.name} present`);
          if (isBits) p.block(`if (${v} !== undefined)`, () => this.bits(f.type, v));
        } else if (isBits) {
          this.bits(f.type, v);
        }
      }
      this.aligned = false;
      if (this.hasBits(c, false)) p.line('w.flushBits();');
      for (const f of this.fieldsIn(c, 'fixed')) {
        this.where = `${c.name}.${f.name}`;
        const v = `e.${f.name}`;
        if (f.optional) p.block(`if (${v} !== undefined)`, () => this.fixed(f.type, v));
        else this.fixed(f.type, v);
      }
      for (const f of this.fieldsIn(c, 'var')) {
        this.where = `${c.name}.${f.name}`;
        const v = `e.${f.name}`;
        if (f.optional) {
          const x = this.t('x');
          p.line(`const ${x} = ${v};`);
          p.block(`if (${x} !== undefined)`, () => this.varFull(f.type, x));
        } else {
          this.varFull(f.type, v);
        }
      }
    });
    p.line();
  }

  private emitPatch(c: ClassIR): void {
    const p = this.p;
    const two = wordCount(c) === 2;
    p.line(`/** Writes the fields of ${article(c.name)} ${c.name} flagged in c0/c1; nested fields flagged in r0/r1 go out whole. */`);
    p.block(`function ${fn.encodePatch(c.name)}(w: $rt.Writer, e: ${this.srcType(c.name)}, c0: number, c1: number, r0: number, r1: number): void`, () => {
      const nested = c.fields.some((f) => isNestedType(f.type));
      const unused = [...(two ? [] : ['c1']), ...(nested ? (two ? [] : ['r1']) : ['r0', 'r1'])];
      const why = [...(two ? [] : ['one mask word (32 fields or fewer)']), ...(nested ? [] : ['no nested fields'])];
      if (unused.length > 0) p.line(`void ${unused.join(', ')}; // unused: ${why.join(', ')}`);
      p.line(`w.reserve(${this.fixedPart(c, true)});`);
      p.line('w.varuint(c0 >>> 0);');
      if (two) p.line('w.varuint(c1 >>> 0);');
      this.aligned = this.wholeBytes(c, true);
      for (const f of c.fields) {
        this.where = `${c.name}.${f.name}`;
        const isBits = this.ctx.blockOf(f.type) === 'bits';
        const nested = isNestedType(f.type);
        if (!f.optional && !isBits && !nested) continue;
        const v = `e.${f.name}`;
        p.block(`if (${maskTest('c', f)})`, () => {
          if (f.optional) {
            p.line(`w.bits(${v} !== undefined ? 1 : 0, 1); // ${f.name} present`);
            if (isBits) p.block(`if (${v} !== undefined)`, () => this.bits(f.type, v));
            if (nested) p.line(`if (${v} !== undefined) w.bits(${maskTest('r', f)} ? 1 : 0, 1); // ${f.name} replaced`);
          } else if (isBits) {
            this.bits(f.type, v);
          } else {
            p.line(`w.bits(${maskTest('r', f)} ? 1 : 0, 1); // ${f.name} replaced`);
          }
        });
      }
      this.aligned = false;
      if (this.hasBits(c, true)) p.line('w.flushBits();');
      for (const f of this.fieldsIn(c, 'fixed')) {
        this.where = `${c.name}.${f.name}`;
        const v = `e.${f.name}`;
        const cond = f.optional ? `${maskTest('c', f)} && ${v} !== undefined` : maskTest('c', f);
        p.block(`if (${cond})`, () => this.fixed(f.type, v));
      }
      for (const f of this.fieldsIn(c, 'var')) {
        this.where = `${c.name}.${f.name}`;
        const x = this.t('x');
        p.block(`if (${maskTest('c', f)})`, () => {
          p.line(`const ${x} = e.${f.name};`);
          const body = () => {
            if (isNestedType(f.type)) {
              p.block(`if (${maskTest('r', f)})`, () => this.varFull(f.type, x));
              p.block('else', () => this.varPatch(f.type, x));
            } else {
              this.varFull(f.type, x);
            }
          };
          if (f.optional) p.block(`if (${x} !== undefined)`, body);
          else body();
        });
      }
    });
    p.line();
  }

  private sizeOf(t: TypeIR, v: string): string {
    switch (t.kind) {
      case 'primitive':
        if (t.name === 'string') return `8 + 3 * ${v}.length`;
        if (t.name === 'bytes') return `8 + ${v}.length`;
        return String(this.ctx.fixedBytesOf(t) || 1);
      case 'quantized':
      case 'angle':
      case 'enum':
        return String(Math.ceil(this.ctx.bitsOf(t) / 8) || 0);
      case 'ref':
        return this.ctx.polymorphic(t.className)
          ? `8 + netschema.byName.get(${v}.constructor.name)!.sizeBound(${v} as never)`
          : `${fn.size(t.className)}(${v})`;
      case 'array': {
        const eb = this.ctx.blockOf(t.element);
        if (eb === 'bits') return `8 + Math.ceil(${v}.length * ${this.ctx.bitsOf(t.element)} / 8)`;
        if (eb === 'fixed') return `8 + ${v}.length * ${this.ctx.fixedBytesOf(t.element)}`;
        return `${v}.$items().reduce((n: number, x) => n + ${this.sizeOf(t.element, 'x')}, 8)`;
      }
      case 'map': {
        const key = t.key === 'string' ? '8 + 3 * k.length' : '8';
        return `[...${v}.$map()].reduce((n: number, [k, x]) => n + ${key} + ${this.sizeOf(t.value, 'x')}, 8)`;
      }
    }
  }

  private emitSize(c: ClassIR): void {
    const p = this.p;
    const vars = this.fieldsIn(c, 'var');
    p.line(`/** Upper bound of ${fn.encode(c.name)}'s output, in bytes. */`);
    const param = vars.length > 0 ? 'e' : '_e';
    p.block(`function ${fn.size(c.name)}(${param}: ${this.srcType(c.name)}): number`, () => {
      p.line(`let n = ${this.fixedPart(c, false)};`);
      for (const f of vars) {
        const x = this.t('x');
        p.line(`const ${x} = e.${f.name};`);
        if (f.optional) p.line(`if (${x} !== undefined) n += ${this.sizeOf(f.type, x)};`);
        else p.line(`n += ${this.sizeOf(f.type, x)};`);
      }
      p.line('return n;');
    });
    p.line();
  }

  /** Enum value → wire index. Contiguous numeric enums (0, 1, 2...) need no lookup. */
  emitEnumIndex(name: string): void {
    const e = this.ctx.enum(name);
    const p = this.p;
    const contiguous = e.members.every((m, i) => m.value === i);
    p.block(`function ${fn.enumIndex(name)}(v: ${this.srcType(name)}): number`, () => {
      if (contiguous) {
        p.line(`if ((v as number) >>> 0 !== v || (v as number) >= ${e.members.length}) throw new $rt.EncodeError(\`${name}: \${String(v)} is not a member\`);`);
        p.line('return v as number;');
      } else {
        p.block('switch (v as number | string)', () => {
          e.members.forEach((m, i) => p.line(`case ${typeof m.value === 'string' ? JSON.stringify(m.value) : num(m.value)}: return ${i};`));
          p.line(`default: throw new $rt.EncodeError(\`${name}: \${String(v)} is not a member\`);`);
        });
      }
    });
    p.line();
  }
}
