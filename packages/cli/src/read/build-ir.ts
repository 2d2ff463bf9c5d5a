import { bitsForPrecision } from '@netschema/runtime/catalog';
import type { ClassIR, EnumIR, FieldIR, SchemaIR, TypeIR } from '../ir/schema-ir.js';
import { collectFields, isNetschemaType, schemaBase } from './model-queries.js';
import type { RawArg, RawClass, RawModule, RawType } from './raw-model.js';

const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Builds the IR from a raw module that passed validation (it throws on what validation rejects).
 * Ids follow name order, so moving classes between files or reordering them keeps ids stable.
 */
export function buildIr(module: RawModule): SchemaIR {
  const raw = module.moduleClasses.map((k) => module.classes.get(k)!).sort(byName);
  const ids = new Map(raw.map((c, i) => [c.key, i + 1]));
  const classes: ClassIR[] = raw.map((cls) => {
    const base = schemaBase(module, cls);
    const fields: FieldIR[] = collectFields(module, cls).map(({ owner, member }, index) => {
      const wire = member.decorators.find((d) => isNetschemaType(d.type));
      if (wire === undefined) throw new Error(`${owner.name}.${member.name}: no wire type`);
      const optional = wire.type.kind === 'optional';
      return {
        name: member.name,
        index,
        type: toTypeIr(module, wire.type.kind === 'optional' ? wire.type.inner : wire.type),
        optional,
        visibility: member.markers[0]?.visibility ?? 'all',
        declaredIn: owner.name,
        pos: member.pos,
      };
    });
    const subclasses = raw
      .filter((other) => other !== cls && ancestors(module, other).includes(cls.key))
      .sort((a, b) => ids.get(a.key)! - ids.get(b.key)!)
      .map((c) => c.name);
    return { name: cls.name, id: ids.get(cls.key)!, base: base?.name ?? null, fields, subclasses, sourceFile: cls.file, pos: cls.pos };
  });
  const enums: EnumIR[] = module.moduleEnums
    .map((k) => module.enums.get(k)!)
    .sort(byName)
    .map((e) => ({ name: e.name, members: e.members.map((m) => ({ name: m.name, value: m.value! })), pos: e.pos }));
  return { sourceFile: module.rootFile, classes, enums };
}

function ancestors(module: RawModule, cls: RawClass): string[] {
  const out: string[] = [];
  for (let b = schemaBase(module, cls); b !== null && !out.includes(b.key); b = schemaBase(module, b)) out.push(b.key);
  return out;
}

function value<T>(a: RawArg<T> | null, what: string): T {
  if (a === null || !a.ok) throw new Error(`${what} is not a literal`);
  return a.value;
}

function toTypeIr(module: RawModule, t: RawType): TypeIR {
  switch (t.kind) {
    case 'primitive':
      return { kind: 'primitive', name: t.name };
    case 'quantized': {
      const min = value(t.min, 'min');
      const max = value(t.max, 'max');
      const bits = t.bits !== null ? value(t.bits, 'bits') : bitsForPrecision(min, max, value(t.precision, 'precision'));
      return { kind: 'quantized', min, max, bits };
    }
    case 'angle': {
      const unit = t.unit === null ? 'rad' : value(t.unit, 'unit');
      return { kind: 'angle', bits: value(t.bits, 'bits'), unit: unit === 'deg' ? 'deg' : 'rad' };
    }
    case 'enum':
      return { kind: 'enum', name: module.enums.get(t.enumKey!)!.name };
    case 'ref':
      return { kind: 'ref', className: module.classes.get(t.classKey!)!.name };
    case 'array':
      return { kind: 'array', element: toTypeIr(module, t.element) };
    case 'map':
      return { kind: 'map', key: value(t.key, 'key') === 'number' ? 'number' : 'string', value: toTypeIr(module, t.value) };
    case 'optional':
    case 'unknown':
    case 'malformed':
      throw new Error(`cannot build IR for a ${t.kind} type; validation should have reported it`);
  }
}
