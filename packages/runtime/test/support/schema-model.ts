import type { Rng } from '@netschema/test-fixtures/support/rng';
import { angleIndex, angleValue, quantIndex, quantValue, type AngleSpec, type QuantSpec } from './spec-math.js';
import type { Manifest, ManifestClass } from '@netschema/runtime';
import { NetArray, NetMap } from '@netschema/runtime';

/**
 * Generic helpers over a manifest: random values for every wire type, random mutations, and
 * projections of server objects and replicas to comparable JSON.
 */
type T = unknown;
type Ctor = new () => Record<string, unknown>;
const INT: Record<string, [number, number]> = {
  u8: [0, 255], u16: [0, 65535], u32: [0, 4294967295], i8: [-128, 127], i16: [-32768, 32767],
  i32: [-2147483648, 2147483647], varuint: [0, Number.MAX_SAFE_INTEGER], varint: [-(2 ** 52), 2 ** 52 - 1],
};

export class SchemaModel {
  readonly classes = new Map<string, ManifestClass>();
  readonly enums = new Map<string, (string | number)[]>();
  readonly subclasses = new Map<string, string[]>();

  constructor(
    readonly manifest: Manifest,
    private readonly server: Record<string, unknown>,
  ) {
    for (const c of manifest.classes) this.classes.set(c.name, c);
    for (const e of manifest.enums) this.enums.set(e.name, e.members.map((m) => m.value));
    for (const c of manifest.classes) {
      for (let b = c.base; b !== null; b = this.classes.get(b)!.base) this.subclasses.set(b, [...(this.subclasses.get(b) ?? []), c.name]);
    }
  }

  ctor(name: string): Ctor {
    return this.server[name] as Ctor;
  }

  /** A random value of wire type `t`; `depth` bounds recursive schemas. */
  value(rng: Rng, t: T, depth: number): unknown {
    const int = (lo: number, hi: number) => rng.nextInt(lo, hi);
    if (typeof t === 'string') {
      if (t in INT) {
        const [lo, hi] = INT[t]!;
        const small = int(0, 3) > 0;
        if (hi > 2 ** 31) return small ? int(Math.max(lo, -300), 300) : lo + Math.floor(rng.nextDouble() * (hi - lo));
        return int(lo, hi);
      }
      if (t === 'f32') return Math.fround((rng.nextDouble() - 0.5) * 2 ** int(0, 40));
      if (t === 'f64') return (rng.nextDouble() - 0.5) * 2 ** int(0, 60);
      if (t === 'bool') return int(0, 1) === 1;
      if (t === 'string') {
        const chars = ['a', 'Z', ' ', 'é', 'ß', '中', '😀', '\u0000', 'x'];
        return Array.from({ length: int(0, int(0, 1) ? 6 : 70) }, () => chars[int(0, chars.length - 1)]).join('');
      }
      if (t === 'bytes') return Uint8Array.from({ length: int(0, 6) }, () => int(0, 255));
    }
    const o = t as Record<string, never>;
    if (o.quantized) {
      const { min, max } = o.quantized as { min: number; max: number };
      return min - (max - min) * 0.1 + rng.nextDouble() * (max - min) * 1.2;
    }
    if (o.angle) return (rng.nextDouble() - 0.5) * 30;
    if (o.enum) {
      const vs = this.enums.get(o.enum)!;
      return vs[int(0, vs.length - 1)];
    }
    if (o.class) return this.instance(rng, o.class, depth);
    if (o.array !== undefined) {
      const n = depth > 2 ? 0 : int(0, 3);
      return new NetArray(Array.from({ length: n }, () => this.value(rng, o.array, depth + 1)));
    }
    const m = o.map as unknown as { key: string; value: T };
    const n = depth > 2 ? 0 : int(0, 3);
    const entries: [string | number, unknown][] = [];
    for (let i = 0; i < n; i++) entries.push([this.key(rng, m.key), this.value(rng, m.value, depth + 1)]);
    return new NetMap(entries);
  }

  key(rng: Rng, kind: string): string | number {
    const keys = ['a', 'b', 'c', '__proto__', 'constructor', 'long key ü'];
    return kind === 'string' ? keys[rng.nextInt(0, keys.length - 1)]! : rng.nextInt(-3, 5);
  }

  /** A new server object of `className` or, when it has subclasses, of a random one of them. */
  instance(rng: Rng, className: string, depth: number): Record<string, unknown> {
    const options = [className, ...(this.subclasses.get(className) ?? [])];
    const name = options[rng.nextInt(0, options.length - 1)]!;
    const obj = new (this.ctor(name))();
    for (const f of this.classes.get(name)!.fields) {
      if (f.optional && (depth > 2 || rng.nextInt(0, 2) === 0)) continue;
      obj[f.name] = this.value(rng, f.type, depth + 1);
    }
    return obj;
  }

  /** One random in-place change somewhere inside `obj`. */
  mutate(rng: Rng, className: string, obj: Record<string, unknown>, depth = 0): void {
    const fields = this.classes.get((obj.constructor as { name: string }).name)?.fields ?? this.classes.get(className)!.fields;
    if (fields.length === 0) return;
    const f = fields[rng.nextInt(0, fields.length - 1)]!;
    const t = f.type as Record<string, never>;
    const cur = obj[f.name];
    const roll = rng.nextInt(0, 9);
    if (f.optional && roll === 0) {
      obj[f.name] = undefined;
      return;
    }
    if (typeof t === 'object' && t.class && cur !== undefined && roll < 7 && depth < 4) {
      this.mutate(rng, t.class, cur as Record<string, unknown>, depth + 1);
      return;
    }
    if (typeof t === 'object' && t.array !== undefined && cur !== undefined && roll < 8) {
      const a = cur as NetArray<unknown>;
      const op = rng.nextInt(0, 6);
      const el = t.array as Record<string, string>;
      if (op === 0) a.push(this.value(rng, el, depth + 1));
      else if (op === 1) a.pop();
      else if (op === 2 && a.length > 0) a.set(rng.nextInt(0, a.length - 1), this.value(rng, el, depth + 1));
      else if (op === 3) a.splice(rng.nextInt(0, a.length), rng.nextInt(0, 2), ...(rng.nextInt(0, 1) ? [this.value(rng, el, depth + 1)] : []));
      else if (op === 4) a.shift();
      else if (op === 5) a.unshift(this.value(rng, el, depth + 1));
      else if (a.length > 0 && typeof el === 'object' && el.class && depth < 4) this.mutate(rng, el.class, a.get(rng.nextInt(0, a.length - 1)) as Record<string, unknown>, depth + 1);
      else a.clear();
      return;
    }
    if (typeof t === 'object' && t.map !== undefined && cur !== undefined && roll < 8) {
      const m = cur as NetMap<string | number, unknown>;
      const spec = t.map as { key: string; value: Record<string, string> };
      const op = rng.nextInt(0, 5);
      const k = this.key(rng, spec.key);
      if (op <= 1) m.set(k, this.value(rng, spec.value, depth + 1));
      else if (op === 2) m.delete(k);
      else if (op === 3 && rng.nextInt(0, 3) === 0) m.clear();
      else if (m.has(k) && typeof spec.value === 'object' && spec.value.class && depth < 4) this.mutate(rng, spec.value.class, m.get(k) as Record<string, unknown>, depth + 1);
      else m.set(k, this.value(rng, spec.value, depth + 1));
      return;
    }
    obj[f.name] = this.value(rng, f.type, depth + 1);
  }

  /** What a replica of `v` must look like: quantized, f32-rounded, tagged with class names. */
  project(t: T, v: unknown): unknown {
    if (v === undefined) return undefined;
    if (typeof t === 'string') {
      if (t === 'f32') return Math.fround(v as number);
      if (t === 'bytes') return Array.from(v as Uint8Array);
      return v;
    }
    const o = t as Record<string, never>;
    if (o.quantized) {
      const spec = o.quantized as unknown as QuantSpec;
      return quantValue(quantIndex(v as number, spec), spec);
    }
    if (o.angle) {
      const spec = o.angle as unknown as AngleSpec;
      return angleValue(angleIndex(v as number, spec), spec);
    }
    if (o.enum) return v;
    if (o.class) return this.projectObject(v as Record<string, unknown>);
    if (o.array !== undefined) return [...(v as Iterable<unknown>)].map((x) => this.project(o.array, x));
    const m = o.map as unknown as { value: T };
    return [...(v as Iterable<[unknown, unknown]>)].map(([k, x]) => [k, this.project(m.value, x)]);
  }

  projectObject(obj: Record<string, unknown>): Record<string, unknown> {
    const name = (obj.constructor as { name: string }).name;
    const out: Record<string, unknown> = { $class: name };
    for (const f of this.classes.get(name)!.fields) out[f.name] = this.project(f.type, obj[f.name]);
    return out;
  }

  /** A replica (plain objects, arrays, Maps) in the same comparable shape. */
  replicaJson(t: T, v: unknown): unknown {
    if (v === undefined) return undefined;
    if (typeof t === 'string') return t === 'bytes' ? Array.from(v as Uint8Array) : v;
    const o = t as Record<string, never>;
    if (o.class) return this.replicaObject(v as Record<string, unknown>);
    if (o.array !== undefined) return (v as unknown[]).map((x) => this.replicaJson(o.array, x));
    if (o.map !== undefined) return [...(v as Map<unknown, unknown>)].map(([k, x]) => [k, this.replicaJson((o.map as unknown as { value: T }).value, x)]);
    return v;
  }

  replicaObject(obj: Record<string, unknown>): Record<string, unknown> {
    const name = (obj.constructor as { name: string }).name;
    const out: Record<string, unknown> = { $class: name };
    for (const f of this.classes.get(name)!.fields) out[f.name] = this.replicaJson(f.type, obj[f.name]);
    return out;
  }

  /** Rebuilds a server object from a replica, to check that re-encoding is byte-identical. */
  rebuild(t: T, v: unknown): unknown {
    if (v === undefined) return undefined;
    if (typeof t === 'string') return v;
    const o = t as Record<string, never>;
    if (o.class) {
      const src = v as Record<string, unknown>;
      const name = (src.constructor as { name: string }).name;
      const obj = new (this.ctor(name))();
      for (const f of this.classes.get(name)!.fields) obj[f.name] = this.rebuild(f.type, src[f.name]);
      return obj;
    }
    if (o.array !== undefined) return new NetArray((v as unknown[]).map((x) => this.rebuild(o.array, x)));
    if (o.map !== undefined) return new NetMap([...(v as Map<string | number, unknown>)].map(([k, x]) => [k, this.rebuild((o.map as unknown as { value: T }).value, x)] as const));
    return v;
  }
}
