import type { Manifest, ManifestClass } from '@netschema/runtime';
import { Writer } from '@netschema/runtime';
import { angleIndex, quantIndex, type AngleSpec, type QuantSpec } from './spec-math.js';

/**
 * A small reflective encoder, written from docs/wire-format.md rather than from the emitter:
 * it walks the manifest at run time. Differential tests compare its bytes with the generated
 * straight-line codecs'.
 */
type T = unknown;
type Obj = Record<string, unknown> & { $c0: number; $c1: number; $r0: number; $r1: number; constructor: { name: string } };

export class ReferenceEncoder {
  private readonly classes = new Map<string, ManifestClass>();
  private readonly enums = new Map<string, (string | number)[]>();
  private readonly subclasses = new Map<string, string[]>();

  constructor(private readonly manifest: Manifest) {
    for (const c of manifest.classes) this.classes.set(c.name, c);
    for (const e of manifest.enums) this.enums.set(e.name, e.members.map((m) => m.value));
    for (const c of manifest.classes) {
      for (let b = c.base; b !== null; b = this.classes.get(b)!.base) {
        this.subclasses.set(b, [...(this.subclasses.get(b) ?? []), c.name]);
      }
    }
  }

  private block(t: T): 'bits' | 'fixed' | 'var' {
    if (typeof t === 'string') {
      if (t === 'bool') return 'bits';
      if (t === 'string' || t === 'bytes') return 'var';
      return 'fixed';
    }
    const k = Object.keys(t as object)[0];
    return k === 'quantized' || k === 'angle' || k === 'enum' ? 'bits' : 'var';
  }

  private bitWidth(t: T): number {
    if (t === 'bool') return 1;
    const o = t as Record<string, { bits: number } & string>;
    if (o.quantized) return o.quantized.bits;
    if (o.angle) return o.angle.bits;
    const members = this.enums.get(o.enum as unknown as string)!.length;
    return members <= 1 ? 0 : Math.ceil(Math.log2(members));
  }

  private writeBits(w: Writer, t: T, v: unknown): void {
    if (t === 'bool') return w.bits(v ? 1 : 0, 1);
    const o = t as Record<string, Record<string, number | string>>;
    if (o.quantized) {
      const spec = o.quantized as unknown as QuantSpec;
      return w.bits(quantIndex(v as number, spec), spec.bits);
    }
    if (o.angle) {
      const spec = o.angle as unknown as AngleSpec;
      return w.bits(angleIndex(v as number, spec), spec.bits);
    }
    const values = this.enums.get(o.enum as unknown as string)!;
    const n = this.bitWidth(t);
    if (n > 0) w.bits(values.indexOf(v as string | number), n);
  }

  private writeFixed(w: Writer, t: T, v: unknown): void {
    w.reserve(8);
    (w as unknown as Record<string, (x: unknown) => void>)[t as string]!(v);
  }

  private writeElement(w: Writer, t: T, v: unknown): void {
    const b = this.block(t);
    if (b === 'bits') {
      w.reserve(8);
      this.writeBits(w, t, v);
      w.flushBits();
    } else if (b === 'fixed') this.writeFixed(w, t, v);
    else this.writeVar(w, t, v);
  }

  private writeRef(w: Writer, className: string, v: Obj): void {
    if (this.subclasses.has(className)) {
      w.reserve(8);
      w.varuint(this.classes.get(v.constructor.name)!.id);
      this.full(w, v.constructor.name, v);
    } else {
      this.full(w, className, v);
    }
  }

  private writeVar(w: Writer, t: T, v: unknown): void {
    if (t === 'string') return w.string(v as string);
    if (t === 'bytes') return w.bytes(v as Uint8Array);
    const o = t as Record<string, unknown>;
    if (o.class) return this.writeRef(w, o.class as string, v as Obj);
    if (o.array !== undefined) {
      const items = [...(v as Iterable<unknown>)];
      w.reserve(8);
      w.varuint(items.length);
      if (this.block(o.array) === 'bits') {
        w.reserve(items.length * 4 + 1);
        for (const x of items) this.writeBits(w, o.array, x);
        w.flushBits();
      } else {
        for (const x of items) this.writeElement(w, o.array, x);
      }
      return;
    }
    const m = o.map as { key: string; value: T };
    const entries = [...(v as Iterable<[string | number, unknown]>)];
    w.reserve(8);
    w.varuint(entries.length);
    for (const [k, x] of entries) {
      this.writeKey(w, m.key, k);
      this.writeElement(w, m.value, x);
    }
  }

  private writeKey(w: Writer, kind: string, k: string | number): void {
    if (kind === 'string') w.string(k as string);
    else {
      w.reserve(8);
      w.varint(k as number);
    }
  }

  /** Full encoding of `obj` as class `className`. */
  full(w: Writer, className: string, obj: Obj): void {
    const fields = this.classes.get(className)!.fields;
    w.reserve(64);
    for (const f of fields) {
      const v = obj[f.name];
      if (f.optional) w.bits(v !== undefined ? 1 : 0, 1);
      if (this.block(f.type) === 'bits' && v !== undefined) this.writeBits(w, f.type, v);
    }
    w.flushBits();
    for (const f of fields) if (this.block(f.type) === 'fixed' && obj[f.name] !== undefined) this.writeFixed(w, f.type, obj[f.name]);
    for (const f of fields) if (this.block(f.type) === 'var' && obj[f.name] !== undefined) this.writeVar(w, f.type, obj[f.name]);
  }

  private nested(t: T): boolean {
    return typeof t === 'object' && t !== null && ('class' in t || 'array' in t || 'map' in t);
  }

  /** Patch encoding of `obj` with its own change masks. */
  patch(w: Writer, className: string, obj: Obj, c = [obj.$c0, obj.$c1], r = [obj.$r0, obj.$r1]): void {
    const fields = this.classes.get(className)!.fields;
    const on = (m: number[], i: number) => ((m[i >> 5]! >>> (i & 31)) & 1) === 1;
    w.reserve(64);
    w.varuint(c[0]! >>> 0);
    if (fields.length > 32) w.varuint(c[1]! >>> 0);
    for (const f of fields) {
      if (!on(c, f.index)) continue;
      const v = obj[f.name];
      if (f.optional) w.bits(v !== undefined ? 1 : 0, 1);
      if (v === undefined) continue;
      if (this.block(f.type) === 'bits') this.writeBits(w, f.type, v);
      if (this.nested(f.type)) w.bits(on(r, f.index) ? 1 : 0, 1);
    }
    w.flushBits();
    for (const f of fields) if (on(c, f.index) && this.block(f.type) === 'fixed' && obj[f.name] !== undefined) this.writeFixed(w, f.type, obj[f.name]);
    for (const f of fields) {
      const v = obj[f.name];
      if (!on(c, f.index) || this.block(f.type) !== 'var' || v === undefined) continue;
      if (!this.nested(f.type) || on(r, f.index)) this.writeVar(w, f.type, v);
      else this.writeNestedPatch(w, f.type, v);
    }
  }

  private writeNestedPatch(w: Writer, t: T, v: unknown): void {
    const o = t as Record<string, unknown>;
    if (o.class) {
      const x = v as Obj;
      this.patch(w, this.subclasses.has(o.class as string) ? x.constructor.name : (o.class as string), x);
      return;
    }
    if (o.array !== undefined) {
      const arr = v as { $items(): unknown[]; $patchIndices(): number[]; $opAt(i: number): number };
      const items = arr.$items();
      const idx = [...arr.$patchIndices()];
      w.reserve(16);
      w.varuint(items.length);
      w.varuint(idx.length);
      let prev = 0;
      for (const i of idx) {
        w.reserve(16);
        w.varuint(i - prev);
        prev = i;
        const el = o.array as Record<string, string>;
        if (typeof el === 'object' && el.class) {
          const op = arr.$opAt(i);
          w.u8(op);
          if (op === 2) this.writeNestedPatch(w, el, items[i]);
          else this.writeRef(w, el.class, items[i] as Obj);
        } else {
          this.writeElement(w, o.array, items[i]);
        }
      }
      return;
    }
    const m = o.map as { key: string; value: T };
    const map = v as { $map(): Map<string | number, unknown>; $ops(): Map<string | number, number>; $wasCleared(): boolean };
    const ops = [...map.$ops()];
    w.reserve(16);
    w.varuint(ops.length + (map.$wasCleared() ? 1 : 0));
    if (map.$wasCleared()) w.u8(3);
    for (const [k, op] of ops) {
      w.reserve(1);
      w.u8(op);
      this.writeKey(w, m.key, k);
      if (op === 1 || op === 4) this.writeElement(w, m.value, map.$map().get(k));
      else if (op === 2) this.writeNestedPatch(w, m.value, map.$map().get(k));
    }
  }
}
