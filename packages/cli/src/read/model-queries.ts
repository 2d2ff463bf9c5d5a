import type { RawClass, RawMember, RawModule, RawType } from './raw-model.js';

/** Visits a wire type and every type nested in it (array elements, map values, optional's inner type). */
export function walkRawType(t: RawType, fn: (t: RawType, parent: RawType | null) => void, parent: RawType | null = null): void {
  fn(t, parent);
  if (t.kind === 'array') walkRawType(t.element, fn, t);
  else if (t.kind === 'map') walkRawType(t.value, fn, t);
  else if (t.kind === 'optional') walkRawType(t.inner, fn, t);
}

export function forEachRef(t: RawType, fn: (classKey: string | null) => void): void {
  walkRawType(t, (x) => {
    if (x.kind === 'ref') fn(x.classKey);
  });
}

export function forEachEnum(t: RawType, fn: (enumKey: string) => void): void {
  walkRawType(t, (x) => {
    if (x.kind === 'enum' && x.enumKey !== null) fn(x.enumKey);
  });
}

/** A decorated property or accessor: what a schema class declares as a field (or tries to). */
export function isFieldMember(m: RawMember): boolean {
  return (m.kind === 'property' || m.kind === 'accessor') && m.decorators.length > 0;
}

/** Whether a decorator is a netschema wire type (possibly with bad arguments) rather than a foreign decorator. */
export function isNetschemaType(t: RawType): boolean {
  return t.kind !== 'unknown';
}

/** The nearest schema ancestor: a base class without @schema and without fields is transparent, as at runtime. */
export function schemaBase(module: RawModule, cls: RawClass): RawClass | null {
  const seen = new Set<string>([cls.key]);
  for (let key = cls.baseKey; key !== null && !seen.has(key); ) {
    seen.add(key);
    const base = module.classes.get(key);
    if (base === undefined) return null;
    if (base.isSchema) return base;
    key = base.baseKey;
  }
  return null;
}

export interface FieldRef {
  readonly owner: RawClass;
  readonly member: RawMember;
}

/** All fields of a schema class, inherited first, each with the class that declares it. */
export function collectFields(module: RawModule, cls: RawClass, seen = new Set<string>()): FieldRef[] {
  if (seen.has(cls.key)) return [];
  seen.add(cls.key);
  const base = schemaBase(module, cls);
  const inherited = base === null ? [] : collectFields(module, base, seen);
  const own = cls.members.filter((m) => isFieldMember(m) && !m.isStatic).map((member) => ({ owner: cls, member }));
  return [...inherited, ...own];
}

/** `Class.field` or `Class`, the subject every message starts with. */
export function subject(cls: RawClass | string, field?: string): string {
  const name = typeof cls === 'string' ? cls : cls.name || '(anonymous class)';
  return field === undefined ? name : `${name}.${field}`;
}

/** A wire type as a schema author writes it, for messages. */
export function describeRawType(module: RawModule, t: RawType): string {
  switch (t.kind) {
    case 'primitive': return t.name;
    case 'quantized': return 'quantized(...)';
    case 'angle': return 'angle(...)';
    case 'enum': return `enumOf(${t.enumKey === null ? t.text : (module.enums.get(t.enumKey)?.name ?? t.text)})`;
    case 'ref': return `child(${t.classKey === null ? t.text : (module.classes.get(t.classKey)?.name ?? t.text)})`;
    case 'array': return `array(${describeArg(module, t.element)})`;
    case 'map': return `map(${t.key.ok ? `'${t.key.value}'` : t.key.text}, ${describeArg(module, t.value)})`;
    case 'optional': return `optional(${describeArg(module, t.inner)})`;
    case 'unknown': return t.name;
    case 'malformed': return t.what;
  }
}

function describeArg(module: RawModule, t: RawType): string {
  return t.kind === 'ref' ? describeRawType(module, t).slice('child('.length, -1) : describeRawType(module, t);
}
