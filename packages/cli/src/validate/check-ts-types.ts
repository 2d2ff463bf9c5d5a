import { PRIMITIVES } from '@netschema/runtime/catalog';
import { describeRawType, isFieldMember, subject, walkRawType } from '../read/model-queries.js';
import type { RawModule, RawType, TsShape } from '../read/raw-model.js';
import { schemaClasses, type Rule } from './rule.js';

/** NS1004: the field's TypeScript type must be one the wire type can carry, no wider. */
export const checkTsTypes: Rule = (ctx) => {
  const module = ctx.module;
  for (const cls of schemaClasses(module)) {
    for (const m of cls.members.filter(isFieldMember)) {
      // Judge only fields with one well-formed wire type; other rules report the rest.
      if (m.decorators.length !== 1 || !wellFormed(m.decorators[0]!.type)) continue;
      const outer = m.decorators[0]!.type;
      const optional = outer.kind === 'optional';
      const wire = outer.kind === 'optional' ? outer.inner : outer;
      const shape = m.tsType;
      if (shape.kind === 'any') continue;
      const members = shape.kind === 'union' ? shape.members : [shape];
      const hasUndefined = members.some((s) => s.kind === 'undefined');
      const values = members.filter((s) => s.kind !== 'undefined');
      const where = subject(cls, m.name);
      const wireText = describeRawType(module, outer);
      const expected = expectedType(module, wire);
      const got = `'${m.tsTypeText}'`;
      if (values.length === 0 || !values.every((s) => fits(module, wire, s))) {
        ctx.report('NS1004', m.pos, where, `${wireText} cannot hold ${got}; declare the field as ${optional ? `${expected} | undefined` : expected}`);
      } else if (optional && !hasUndefined && module.strictNullChecks) {
        ctx.report('NS1004', m.pos, where, `${wireText} may be absent but the type ${got} does not include undefined; declare it as ${expected} | undefined`);
      } else if (!optional && hasUndefined) {
        ctx.report('NS1004', m.pos, where, `${wireText} cannot hold undefined (type ${got}); remove undefined from the type or write optional(${describeRawType(module, wire)})`);
      }
    }
  }
};

function wellFormed(t: RawType): boolean {
  let ok = true;
  walkRawType(t, (x, parent) => {
    if (x.kind === 'unknown' || x.kind === 'malformed' || (x.kind === 'optional' && parent !== null)) ok = false;
    if (x.kind === 'enum' && x.enumKey === null) ok = false;
    if (x.kind === 'ref' && x.classKey === null) ok = false;
    if (x.kind === 'map' && !(x.key.ok && (x.key.value === 'string' || x.key.value === 'number'))) ok = false;
  });
  return ok;
}

/** Whether a value of TypeScript shape `s` can travel as wire type `t` (every union member must). */
function fits(module: RawModule, t: RawType, s: TsShape): boolean {
  if (s.kind === 'any') return true;
  if (s.kind === 'union') return s.members.every((x) => fits(module, t, x));
  switch (t.kind) {
    case 'primitive': {
      const ts = PRIMITIVES[t.name].ts;
      if (ts === 'number') return s.kind === 'number' || (s.kind === 'enum' && s.numeric);
      if (ts === 'boolean') return s.kind === 'boolean';
      if (ts === 'string') return s.kind === 'string';
      return s.kind === 'bytes';
    }
    case 'quantized':
    case 'angle':
      return s.kind === 'number';
    case 'enum':
      return s.kind === 'enum' && s.enumKey === t.enumKey;
    case 'ref':
      return s.kind === 'class' && s.classKey === t.classKey;
    case 'array':
      return s.kind === 'net-array' && fits(module, t.element, s.element);
    case 'map': {
      if (s.kind !== 'net-map' || !t.key.ok) return false;
      const keyOk = s.key.kind === 'any' || s.key.kind === t.key.value;
      return keyOk && fits(module, t.value, s.value);
    }
    default:
      return false;
  }
}

/** The TypeScript type a wire type expects, as the author would write it. */
function expectedType(module: RawModule, t: RawType): string {
  switch (t.kind) {
    case 'primitive': return PRIMITIVES[t.name].ts;
    case 'quantized':
    case 'angle': return 'number';
    case 'enum': return t.enumKey === null ? t.text : (module.enums.get(t.enumKey)?.name ?? t.text);
    case 'ref': return t.classKey === null ? t.text : (module.classes.get(t.classKey)?.name ?? t.text);
    case 'array': return `NetArray<${expectedType(module, t.element)}>`;
    case 'map': return `NetMap<${t.key.ok ? t.key.value : 'string'}, ${expectedType(module, t.value)}>`;
    default: return 'unknown';
  }
}
