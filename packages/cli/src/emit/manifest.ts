import { createHash } from 'node:crypto';
import { MANIFEST_TYPE_KEYS as KEY } from '@netschema/runtime/catalog';
import type { SchemaIR, TypeIR } from '../ir/schema-ir.js';

/** The manifest's type notation: plain JSON a client in another language can read. */
function typeJson(t: TypeIR): unknown {
  switch (t.kind) {
    case 'primitive': return t.name;
    case 'quantized': return { [KEY.quantized]: { min: t.min, max: t.max, bits: t.bits } };
    case 'angle': return { [KEY.angle]: { bits: t.bits, unit: t.unit } };
    case 'enum': return { [KEY.enum]: t.name };
    case 'ref': return { [KEY.ref]: t.className };
    case 'array': return { [KEY.array]: typeJson(t.element) };
    case 'map': return { [KEY.map]: { key: t.key, value: typeJson(t.value) } };
  }
}

/** The canonical schema: what the fingerprint hashes. Source positions and file names stay out. */
export function canonicalSchema(ir: SchemaIR) {
  return {
    classes: ir.classes.map((c) => ({
      id: c.id,
      name: c.name,
      base: c.base,
      // `visibility` only when a marker sets it, so schemas without markers keep their fingerprints.
      fields: c.fields.map((f) => ({
        index: f.index,
        name: f.name,
        type: typeJson(f.type),
        optional: f.optional,
        ...(f.visibility === 'all' ? {} : { visibility: f.visibility }),
      })),
    })),
    enums: ir.enums.map((e) => ({ name: e.name, members: e.members.map((m) => ({ name: m.name, value: m.value })) })),
  };
}

/** First 16 hex digits of SHA-256 over the canonical schema JSON, prefixed by the wire version. */
export function fingerprintOf(ir: SchemaIR): string {
  const canon = JSON.stringify({ wire: 1, ...canonicalSchema(ir) });
  return createHash('sha256').update(canon).digest('hex').slice(0, 16);
}

export function manifestOf(ir: SchemaIR) {
  const canon = canonicalSchema(ir);
  return { format: 'netschema-manifest' as const, version: 1 as const, fingerprint: fingerprintOf(ir), ...canon };
}
