import { isNestedType, PRIMITIVES } from '@netschema/runtime/catalog';
import type { ClassIR, FieldIR, TypeIR } from '../ir/schema-ir.js';
import { article, fn } from './emit-encoders.js';
import { angleDecodeArgs, maskTest, quantArgs, wordCount, type SchemaContext } from './field-plan.js';
import { str, type Printer } from './printer.js';

/**
 * Emits the decoders: full state into a new replica, and patches applied to an existing one.
 * Every length is checked by the Reader before it sizes anything; every tag is range-checked.
 */
export class DecoderEmitter {
  private tmp = 0;
  constructor(
    private readonly ctx: SchemaContext,
    private readonly p: Printer,
  ) {}

  private t(prefix: string): string {
    return `${prefix}${this.tmp++}`;
  }

  /** Mirrors the encoder's `aligned`: whole-byte values read without the bit accumulator. */
  private aligned = false;

  private bits(t: TypeIR): string {
    const n = this.ctx.bitsOf(t);
    const bytes = this.aligned && n % 8 === 0 ? n / 8 : 0;
    switch (t.kind) {
      case 'primitive': return 'r.bits(1) === 1';
      case 'quantized': return bytes ? `r.quantizedBytes(${quantArgs(t).replace(/, \d+$/, '')}, ${bytes})` : `r.quantized(${quantArgs(t)})`;
      case 'angle': return bytes ? `r.angleBytes(${angleDecodeArgs(t).replace(/, \d+$/, '')}, ${bytes})` : `r.angle(${angleDecodeArgs(t)})`;
      case 'enum': {
        if (n === 0) return `${fn.enumValues(t.name)}(r, 0)`;
        return bytes ? `${fn.enumValues(t.name)}(r, r.uintLE(${bytes}))` : `${fn.enumValues(t.name)}(r, r.bits(${n}))`;
      }
      default: throw new Error(`internal: ${t.kind} is not a bit-block type`);
    }
  }

  private fixed(t: TypeIR): string {
    if (t.kind !== 'primitive') throw new Error('internal: not a fixed type');
    return `r.${t.name}()`;
  }

  private refFull(className: string): string {
    return this.ctx.polymorphic(className) ? `decode${className}Any(r)` : `${fn.decode(className)}(r)`;
  }

  private refPatch(className: string, o: string): string {
    return this.ctx.polymorphic(className) ? `$rt.patchAny(netschema, r, ${o});` : `${fn.decodePatch(className)}(r, ${o});`;
  }

  /**
   * Statements that decode a collection element or map value into `target`. `what` names the
   * schema field the collection belongs to (`Class.field`), at any depth of arrays and maps.
   */
  private element(t: TypeIR, target: string, what: string): void {
    const b = this.ctx.blockOf(t);
    if (b === 'bits') {
      const before = this.aligned;
      this.aligned = true;
      this.p.line(`${target} = ${this.bits(t)};`);
      this.aligned = before;
      this.p.line('r.alignBits();');
    } else if (b === 'fixed') {
      this.p.line(`${target} = ${this.fixed(t)};`);
    } else {
      this.varFull(t, target, what);
    }
  }

  private key(kind: 'string' | 'number'): string {
    return kind === 'string' ? 'r.string()' : 'r.varint()';
  }

  /** Statements that decode a whole variable-block value into `target`; `what` as in `element`. */
  private varFull(t: TypeIR, target: string, what: string): void {
    const p = this.p;
    switch (t.kind) {
      case 'primitive':
        p.line(`${target} = r.${t.name}();`);
        return;
      case 'ref':
        p.line(`${target} = ${this.refFull(t.className)};`);
        return;
      case 'array': {
        const n = this.t('n');
        const a = this.t('a');
        const i = this.t('i');
        p.block('', () => {
          p.line(`const ${n} = r.count(${str(what)}, ${this.ctx.minBytesOf(t.element)});`);
          p.line(`const ${a}: ${this.replicaType(t.element)}[] = [];`);
          const eb = this.ctx.blockOf(t.element);
          p.block(`for (let ${i} = 0; ${i} < ${n}; ${i}++)`, () => {
            if (eb === 'bits') {
              const before = this.aligned;
              this.aligned = true;
              p.line(`${a}.push(${this.bits(t.element)});`);
              this.aligned = before;
            }
            else if (eb === 'fixed') p.line(`${a}.push(${this.fixed(t.element)});`);
            else {
              const x = this.t('x');
              p.line(`let ${x}: ${this.replicaType(t.element)};`);
              this.varFull(t.element, x, what);
              p.line(`${a}.push(${x});`);
            }
          });
          if (eb === 'bits') p.line('r.alignBits();');
          p.line(`${target} = ${a};`);
        });
        return;
      }
      case 'map': {
        const n = this.t('n');
        const m = this.t('m');
        const i = this.t('i');
        const k = this.t('k');
        const x = this.t('x');
        const at = this.t('at');
        p.block('', () => {
          p.line(`const ${n} = r.count(${str(what)}, 1);`);
          p.line(`const ${m} = new Map<${t.key}, ${this.replicaType(t.value)}>();`);
          p.block(`for (let ${i} = 0; ${i} < ${n}; ${i}++)`, () => {
            p.line(`const ${at} = r.pos;`);
            p.line(`const ${k} = ${this.key(t.key)};`);
            p.line(`let ${x}: ${this.replicaType(t.value)};`);
            this.element(t.value, x, what);
            p.line(`${m}.set(${k}, ${x});`);
            // A map that did not grow already held the key: the full form lists each key once.
            p.line(`if (${m}.size === ${i}) throw new $rt.DecodeError(${str(what + ': duplicate map key')}, ${at}, 'a key not already in the map', String(${k}));`);
          });
          p.line(`${target} = ${m};`);
        });
        return;
      }
      default:
        throw new Error(`internal: ${t.kind} is not a variable-block type`);
    }
  }

  /** Statements that apply an in-place patch to the nested value `o`. */
  private varPatch(t: TypeIR, o: string, what: string): void {
    const p = this.p;
    switch (t.kind) {
      case 'ref':
        p.line(this.refPatch(t.className, o));
        return;
      case 'array': {
        const len = this.t('len');
        const old = this.t('old');
        const ops = this.t('ops');
        const i = this.t('i');
        const k = this.t('k');
        const grown = this.t('grown');
        const start = this.t('at');
        p.block('', () => {
          p.line(`const ${start} = r.pos;`);
          p.line(`const ${len} = r.count(${str(what)}, 0);`);
          p.line(`const ${old} = ${o}.length;`);
          p.line(`if (${len} < ${old}) ${o}.length = ${len};`);
          p.line(`const ${ops} = r.count(${str(what + ' operations')}, 1);`);
          p.line(`let ${i} = 0;`);
          p.line(`let ${grown} = 0;`);
          p.block(`for (let ${k} = 0; ${k} < ${ops}; ${k}++)`, () => {
            const d = this.t('d');
            p.line(`const ${d} = r.varuint();`);
            p.line(`if (${k} > 0 && ${d} === 0) throw r.error(${str(what + ': array indices not ascending')}, 'an index delta of at least 1', '0');`);
            p.line(`${i} += ${d};`);
            p.line(`if (${i} >= ${len}) throw r.error(${str(what + ': array index out of range')}, \`below \${${len}}\`, String(${i}));`);
            p.line(`if (${i} >= ${old}) ${grown}++;`);
            if (t.element.kind === 'ref') {
              const cn = t.element.className;
              const op = this.t('op');
              const el = this.t('el');
              p.line(`const ${op} = r.u8();`);
              p.block(`if (${op} === $rt.ARRAY_OP_SET)`, () => p.line(`${o}[${i}] = ${this.refFull(cn)};`));
              p.block(`else if (${op} === $rt.ARRAY_OP_PATCH)`, () => {
                p.line(`const ${el} = ${o}[${i}];`);
                p.line(`if (${el} === undefined) throw r.error(${str(what + ': patch for a missing element')}, 'an existing element', String(${i}));`);
                p.line(this.refPatch(cn, el));
              });
              p.line(`else throw r.error(${str(what + ': unknown array operation')}, 'operation 1 (set) or 2 (patch)', String(${op}));`);
            } else {
              this.element(t.element, `${o}[${i}]`, what);
            }
          });
          p.line(`if (${len} > ${old} && ${grown} !== ${len} - ${old}) throw new $rt.DecodeError(${str(what + ': array grew without values')}, ${start}, \`\${${len} - ${old}} new elements\`, \`\${${grown}}\`);`);
        });
        return;
      }
      case 'map': {
        const n = this.t('n');
        const i = this.t('i');
        p.block('', () => {
          p.line(`const ${n} = r.count(${str(what + ' operations')}, 1);`);
          p.block(`for (let ${i} = 0; ${i} < ${n}; ${i}++)`, () => {
            const op = this.t('op');
            const k = this.t('k');
            const x = this.t('x');
            p.line(`const ${op} = r.u8();`);
            p.block(`if (${op} === $rt.MAP_OP_CLEAR)`, () => p.line(`${o}.clear();`));
            p.block(`else if (${op} === $rt.MAP_OP_DELETE)`, () => p.line(`${o}.delete(${this.key(t.key)});`));
            p.block(`else if (${op} === $rt.MAP_OP_SET || ${op} === $rt.MAP_OP_READD)`, () => {
              p.line(`const ${k} = ${this.key(t.key)};`);
              p.line(`let ${x}: ${this.replicaType(t.value)};`);
              this.element(t.value, x, what);
              p.line(`if (${op} === $rt.MAP_OP_READD) ${o}.delete(${k});`);
              p.line(`${o}.set(${k}, ${x});`);
            });
            if (t.value.kind === 'ref') {
              const cn = t.value.className;
              p.block(`else if (${op} === $rt.MAP_OP_PATCH)`, () => {
                p.line(`const ${k} = ${this.key(t.key)};`);
                p.line(`const ${x} = ${o}.get(${k});`);
                p.line(`if (${x} === undefined) throw r.error(${str(what + ': patch for a missing key')}, 'an existing key', String(${k}));`);
                p.line(this.refPatch(cn, x));
              });
            }
            p.line(`else throw r.error(${str(what + ': unknown map operation')}, 'a map operation 0 to 4', String(${op}));`);
          });
        });
        return;
      }
      default:
        throw new Error(`internal: ${t.kind} has no patch form`);
    }
  }

  /** The TypeScript type of a replica value. */
  replicaType(t: TypeIR): string {
    switch (t.kind) {
      case 'primitive': return PRIMITIVES[t.name].ts;
      case 'quantized':
      case 'angle': return 'number';
      case 'enum': return t.name;
      case 'ref': return t.className;
      case 'array': return `${this.replicaType(t.element)}[]`;
      case 'map': return `Map<${t.key}, ${this.replicaType(t.value)}>`;
    }
  }

  private fields(c: ClassIR, block: 'bits' | 'fixed' | 'var'): FieldIR[] {
    return c.fields.filter((f) => this.ctx.blockOf(f.type) === block);
  }

  emitClass(c: ClassIR): void {
    this.emitFull(c);
    this.emitPatch(c);
    if (this.ctx.polymorphic(c.name)) this.emitAny(c);
  }

  private emitFull(c: ClassIR): void {
    const p = this.p;
    p.line(`/** Reads a whole ${c.name} into a new replica. */`);
    const bits = c.fields.some((f) => f.optional || this.ctx.bitsOf(f.type) > 0);
    p.block(`function ${fn.decode(c.name)}(r: $rt.Reader): ${c.name}`, () => {
      p.line('r.enter();');
      p.line(`const o = new ${c.name}();`);
      this.aligned = c.fields.every((f) => !f.optional && this.ctx.bitsOf(f.type) % 8 === 0);
      const present = new Map<FieldIR, string>();
      for (const f of c.fields) {
        const isBits = this.ctx.blockOf(f.type) === 'bits';
        if (f.optional) {
          const has = `has_${f.name}`;
          present.set(f, has);
          p.line(`const ${has} = r.bits(1) === 1;`);
          if (isBits) p.line(`if (${has}) o.${f.name} = ${this.bits(f.type)};`);
        } else if (isBits) {
          p.line(`o.${f.name} = ${this.bits(f.type)};`);
        }
      }
      this.aligned = false;
      if (bits) p.line('r.alignBits();');
      for (const f of this.fields(c, 'fixed')) {
        const has = present.get(f);
        p.line(has ? `if (${has}) o.${f.name} = ${this.fixed(f.type)};` : `o.${f.name} = ${this.fixed(f.type)};`);
      }
      for (const f of this.fields(c, 'var')) {
        const has = present.get(f);
        if (has) p.block(`if (${has})`, () => this.varFull(f.type, `o.${f.name}`, `${c.name}.${f.name}`));
        else this.varFull(f.type, `o.${f.name}`, `${c.name}.${f.name}`);
      }
      p.line('r.leave();');
      p.line('return o;');
    });
    p.line();
  }

  private emitPatch(c: ClassIR): void {
    const p = this.p;
    const two = wordCount(c) === 2;
    const all = (w: number) => {
      const n = Math.min(32, Math.max(0, c.fields.length - 32 * w));
      return n === 32 ? 0xffffffff : 2 ** n - 1;
    };
    p.line(`/** Applies ${article(c.name)} ${c.name} patch; leaves the changed-field masks in r.mask0/r.mask1. */`);
    const bitsInPatch = c.fields.some((f) => f.optional || this.ctx.bitsOf(f.type) > 0 || isNestedType(f.type));
    p.block(`function ${fn.decodePatch(c.name)}(r: $rt.Reader, o: ${c.name}): void`, () => {
      p.line('r.enter();');
      p.line('const at = r.pos;');
      p.line('const c0 = r.varuint();');
      if (two) p.line('const c1 = r.varuint();');
      p.line(`if (c0 > ${all(0)}${two ? ` || c1 > ${all(1)}` : ''}) throw new $rt.DecodeError(${str(`${c.name} patch: unknown field`)}, at, ${str(`field bits within ${c.fields.length} fields`)}, \`mask \${c0.toString(2)}${two ? ' ${c1.toString(2)}' : ''}\`);`);
      const replaced = new Map<FieldIR, string>();
      const present = new Map<FieldIR, string>();
      this.aligned = c.fields.every((f) => !f.optional && !isNestedType(f.type) && this.ctx.bitsOf(f.type) % 8 === 0);
      for (const f of c.fields) {
        const isBits = this.ctx.blockOf(f.type) === 'bits';
        const nested = isNestedType(f.type);
        if (f.optional) {
          present.set(f, `has_${f.name}`);
          p.line(`let has_${f.name} = false;`);
        }
        if (nested) {
          replaced.set(f, `new_${f.name}`);
          p.line(`let new_${f.name} = false;`);
        }
        if (!f.optional && !isBits && !nested) continue;
        p.block(`if (${maskTest('c', f)})`, () => {
          if (f.optional) {
            p.line(`has_${f.name} = r.bits(1) === 1;`);
            if (isBits) p.line(`o.${f.name} = has_${f.name} ? ${this.bits(f.type)} : undefined;`);
            if (nested) p.line(`if (has_${f.name}) new_${f.name} = r.bits(1) === 1;`);
            if (!isBits && !nested) p.line(`if (!has_${f.name}) o.${f.name} = undefined;`);
            if (nested) p.line(`if (!has_${f.name}) o.${f.name} = undefined;`);
          } else if (isBits) {
            p.line(`o.${f.name} = ${this.bits(f.type)};`);
          } else {
            p.line(`new_${f.name} = r.bits(1) === 1;`);
          }
        });
      }
      this.aligned = false;
      if (bitsInPatch) p.line('r.alignBits();');
      for (const f of this.fields(c, 'fixed')) {
        const cond = f.optional ? `has_${f.name}` : maskTest('c', f);
        p.line(`if (${cond}) o.${f.name} = ${this.fixed(f.type)};`);
      }
      for (const f of this.fields(c, 'var')) {
        const what = `${c.name}.${f.name}`;
        const cond = f.optional ? `has_${f.name}` : maskTest('c', f);
        p.block(`if (${cond})`, () => {
          if (isNestedType(f.type)) {
            p.block(`if (new_${f.name})`, () => this.varFull(f.type, `o.${f.name}`, what));
            p.block('else', () => {
              const cur = this.t('cur');
              p.line(`const ${cur} = o.${f.name};`);
              p.line(`if (${cur} === undefined) throw r.error(${str(`${what}: patch for a missing value`)}, 'a replaced value', 'a patch');`);
              this.varPatch(f.type, cur, what);
            });
          } else {
            this.varFull(f.type, `o.${f.name}`, what);
          }
        });
      }
      p.line('r.mask0 = c0;');
      p.line(two ? 'r.mask1 = c1;' : 'r.mask1 = 0;');
      p.line('r.leave();');
    });
    p.line();
  }

  private emitAny(c: ClassIR): void {
    const p = this.p;
    p.line(`/** Reads a class id, then a whole ${c.name} or subclass. */`);
    p.block(`function decode${c.name}Any(r: $rt.Reader): ${c.name}`, () => {
      p.line('const at = r.pos;');
      p.line('const id = r.varuint();');
      p.block('switch (id)', () => {
        for (const name of [c.name, ...c.subclasses]) p.line(`case ${this.ctx.cls(name).id}: return ${fn.decode(name)}(r);`);
        p.line(`default: throw new $rt.DecodeError(${str(`${c.name}: unknown class`)}, at, ${str(`a class id of ${[c.name, ...c.subclasses].join(', ')}`)}, String(id));`);
      });
    });
    p.line();
  }

  /** Wire index → enum value, range-checked. */
  emitEnumValues(name: string): void {
    const e = this.ctx.enum(name);
    const p = this.p;
    const values = e.members.map((m) => `${name}.${m.name}`).join(', ');
    p.line(`const ${fn.enumValues(name)}Table: readonly ${name}[] = [${values}];`);
    p.block(`function ${fn.enumValues(name)}(r: $rt.Reader, i: number): ${name}`, () => {
      p.line(`if (i >= ${e.members.length}) throw r.error(${str(`${name}: unknown member`)}, ${str(`an index below ${e.members.length}`)}, String(i));`);
      p.line(`return ${fn.enumValues(name)}Table[i]!;`);
    });
    p.line();
  }
}
