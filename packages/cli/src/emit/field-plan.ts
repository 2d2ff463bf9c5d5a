import { fieldMask, indexBits, maskBit, maskWord, PRIMITIVES, quantStep } from '@netschema/runtime/catalog';
import type { ClassIR, EnumIR, FieldIR, SchemaIR, TypeIR } from '../ir/schema-ir.js';
import { num } from './printer.js';

/**
 * Where a value lives in an object's encoding: the bit block (bools, quantized floats, angles,
 * enums), the fixed block (numbers of bounded width) or the variable block (strings, bytes,
 * nested objects, collections). Each block keeps field order.
 */
export type Block = 'bits' | 'fixed' | 'var';

export class SchemaContext {
  readonly classes: ReadonlyMap<string, ClassIR>;
  readonly enums: ReadonlyMap<string, EnumIR>;
  constructor(readonly ir: SchemaIR) {
    this.classes = new Map(ir.classes.map((c) => [c.name, c]));
    this.enums = new Map(ir.enums.map((e) => [e.name, e]));
  }

  cls(name: string): ClassIR {
    const c = this.classes.get(name);
    if (!c) throw new Error(`internal: unknown class ${name}`);
    return c;
  }

  enum(name: string): EnumIR {
    const e = this.enums.get(name);
    if (!e) throw new Error(`internal: unknown enum ${name}`);
    return e;
  }

  /** Whether values of this class may be of a subclass: then a class id travels with them. */
  polymorphic(className: string): boolean {
    return this.cls(className).subclasses.length > 0;
  }

  blockOf(t: TypeIR): Block {
    switch (t.kind) {
      case 'primitive':
        if (PRIMITIVES[t.name].bits > 0) return 'bits';
        return PRIMITIVES[t.name].ts === 'number' ? 'fixed' : 'var';
      case 'quantized':
      case 'angle':
      case 'enum':
        return 'bits';
      default:
        return 'var';
    }
  }

  bitsOf(t: TypeIR): number {
    switch (t.kind) {
      case 'primitive': return PRIMITIVES[t.name].bits;
      case 'quantized':
      case 'angle': return t.bits;
      case 'enum': return indexBits(this.enum(t.name).members.length);
      default: return 0;
    }
  }

  /** Most bytes of a fixed-block value (varints count their longest form). */
  fixedBytesOf(t: TypeIR): number {
    return t.kind === 'primitive' && this.blockOf(t) === 'fixed' ? PRIMITIVES[t.name].bytes : 0;
  }

  /** Fewest bytes one element takes on the wire: bounds a collection length against the frame. */
  minBytesOf(t: TypeIR): number {
    const b = this.blockOf(t);
    if (b === 'fixed') return t.kind === 'primitive' && (t.name === 'varuint' || t.name === 'varint') ? 1 : this.fixedBytesOf(t);
    if (b === 'var') return t.kind === 'primitive' || t.kind === 'array' || t.kind === 'map' ? 1 : 0;
    return 0;
  }
}

/** The mask word and bit of a field, as code. */
export function maskTest(word: string, f: FieldIR): string {
  return `(${word}${maskWord(f.index)} & 0x${maskBit(f.index).toString(16)}) !== 0`;
}

/** The two mask words (fields 0-31, 32-63) of the fields `pick` selects, as hex literals. */
export function maskWords(c: ClassIR, pick: (f: FieldIR) => boolean): string {
  const words = fieldMask(c.fields.filter(pick).map((f) => f.index));
  return `[${words.map((w) => `0x${w.toString(16)}`).join(', ')}]`;
}

export function wordCount(c: ClassIR): number {
  return c.fields.length > 32 ? 2 : 1;
}

/** Constants of a quantized float: min, step, steps, bits. */
export function quantArgs(t: Extract<TypeIR, { kind: 'quantized' }>): string {
  const steps = 2 ** t.bits - 1;
  return `${num(t.min)}, ${num(quantStep(t.min, t.max, t.bits))}, ${num(steps)}, ${t.bits}`;
}

/** Encoder constants of an angle: scale (steps per unit), steps, bits. */
export function angleEncodeArgs(t: Extract<TypeIR, { kind: 'angle' }>): string {
  const steps = 2 ** t.bits;
  const turn = t.unit === 'deg' ? 360 : 2 * Math.PI;
  return `${num(steps / turn)}, ${num(steps)}, ${t.bits}`;
}

/** Decoder constants of an angle: unit (value per step), bits. */
export function angleDecodeArgs(t: Extract<TypeIR, { kind: 'angle' }>): string {
  const steps = 2 ** t.bits;
  const turn = t.unit === 'deg' ? 360 : 2 * Math.PI;
  return `${num(turn / steps)}, ${t.bits}`;
}

/** A short description of a field's wire type for generated comments. */
export function describeType(t: TypeIR): string {
  switch (t.kind) {
    case 'primitive': return t.name;
    case 'quantized': return `quantized [${num(t.min)}, ${num(t.max)}] in ${t.bits} bits`;
    case 'angle': return `angle (${t.unit}) in ${t.bits} bits`;
    case 'enum': return `enum ${t.name}`;
    case 'ref': return t.className;
    case 'array': return `array of ${describeType(t.element)}`;
    case 'map': return `map ${t.key} → ${describeType(t.value)}`;
  }
}
