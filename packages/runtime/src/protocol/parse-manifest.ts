import type { Manifest, ManifestClass, ManifestEnum, ManifestField } from '../codec/schema-module.js';

/**
 * Bounds on a manifest received from a peer. A real schema is far inside them (the wire allows
 * at most 64 fields per class); they exist so that every loop, allocation and recursion the
 * handshake runs over a client's manifest is bounded before it runs.
 */
export const MANIFEST_LIMITS = {
  /** Bytes of JSON text, checked before JSON.parse. */
  bytes: 256 * 1024,
  classes: 1024,
  fieldsPerClass: 64,
  enums: 256,
  membersPerEnum: 1024,
  /** Characters of any name, fingerprint or string value. */
  stringLength: 256,
  /** Nesting depth of a field's type (`{ kind: 'array', of: { ... } }`). */
  typeDepth: 16,
  /** Keys and elements in one field's type, all levels together. */
  typeNodes: 256,
} as const;

/** A manifest that is not one: `path` is where (`manifest.enums[0].members`), the message says what was expected and what came. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`${path}: expected ${expected}, got ${got}`);
  }
}

/** What a value is, for error messages: never the value itself (it may be huge). */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return `a string of ${v.length} characters`;
  if (typeof v === 'number') return Number.isFinite(v) ? `number ${v}` : `number ${String(v)}`;
  return typeof v;
}

/**
 * Parses and validates a manifest sent by a peer, treating it as hostile: the text length is
 * bounded before parsing, every list is a real array (`Array.isArray`, so a `length` key on an
 * object means nothing) of bounded length, every string is bounded, every value has its type.
 * Throws ManifestError naming the first problem. The result is a fresh object holding only the
 * known keys, so later code iterates nothing the peer chose.
 */
export function parseManifest(json: string, limits: typeof MANIFEST_LIMITS = MANIFEST_LIMITS): Manifest {
  if (json.length > limits.bytes) throw new ManifestError('manifest', `at most ${limits.bytes} characters of JSON`, `${json.length}`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new ManifestError('manifest', 'JSON text', `text that does not parse (${e instanceof Error ? e.message : String(e)})`);
  }
  return validateManifest(raw, limits);
}

/** Validates an already parsed manifest (see parseManifest). */
export function validateManifest(raw: unknown, limits: typeof MANIFEST_LIMITS = MANIFEST_LIMITS): Manifest {
  const m = object(raw, 'manifest');
  if (m['format'] !== 'netschema-manifest') throw new ManifestError('manifest.format', '"netschema-manifest"', kindOf(m['format']));
  if (m['version'] !== 1) throw new ManifestError('manifest.version', '1', kindOf(m['version']));
  const fingerprint = string(m['fingerprint'], 'manifest.fingerprint', limits);
  const classes = array(m['classes'], 'manifest.classes', limits.classes).map((c, i) => manifestClass(c, `manifest.classes[${i}]`, limits));
  const enums = array(m['enums'], 'manifest.enums', limits.enums).map((e, i) => manifestEnum(e, `manifest.enums[${i}]`, limits));
  return { format: 'netschema-manifest', version: 1, fingerprint, classes, enums };
}

function manifestClass(raw: unknown, at: string, limits: typeof MANIFEST_LIMITS): ManifestClass {
  const c = object(raw, at);
  const base = c['base'] === null ? null : string(c['base'], `${at}.base`, limits, 'a string or null');
  return {
    id: integer(c['id'], `${at}.id`),
    name: string(c['name'], `${at}.name`, limits),
    base,
    fields: array(c['fields'], `${at}.fields`, limits.fieldsPerClass).map((f, i) => manifestField(f, `${at}.fields[${i}]`, limits)),
  };
}

function manifestField(raw: unknown, at: string, limits: typeof MANIFEST_LIMITS): ManifestField {
  const f = object(raw, at);
  const optional = f['optional'];
  if (typeof optional !== 'boolean') throw new ManifestError(`${at}.optional`, 'a boolean', kindOf(optional));
  const field: { -readonly [K in keyof ManifestField]: ManifestField[K] } = {
    index: integer(f['index'], `${at}.index`),
    name: string(f['name'], `${at}.name`, limits),
    type: typeValue(f['type'], `${at}.type`, limits, 0, { nodes: 0 }),
    optional,
  };
  const v = f['visibility'];
  if (v !== undefined) {
    if (v !== 'owner' && v !== 'team') throw new ManifestError(`${at}.visibility`, '"owner", "team" or no key', kindOf(v));
    field.visibility = v;
  }
  return field;
}

function manifestEnum(raw: unknown, at: string, limits: typeof MANIFEST_LIMITS): ManifestEnum {
  const e = object(raw, at);
  const members = array(e['members'], `${at}.members`, limits.membersPerEnum).map((x, i) => {
    const where = `${at}.members[${i}]`;
    const m = object(x, where);
    const value = m['value'];
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) throw new ManifestError(`${where}.value`, 'a finite number or a string', kindOf(value));
    if (typeof value === 'string') string(value, `${where}.value`, limits);
    return { name: string(m['name'], `${where}.name`, limits), value };
  });
  return { name: string(e['name'], `${at}.name`, limits), members };
}

/** A field's type is JSON the diff only compares: copied with its depth, node count and strings bounded. */
function typeValue(v: unknown, at: string, limits: typeof MANIFEST_LIMITS, depth: number, count: { nodes: number }): unknown {
  if (++count.nodes > limits.typeNodes) throw new ManifestError(at, `a type of at most ${limits.typeNodes} parts`, 'more');
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return integerOrFinite(v, at);
  if (typeof v === 'string') return string(v, at, limits);
  if (depth >= limits.typeDepth) throw new ManifestError(at, `a type nested at most ${limits.typeDepth} deep`, 'deeper');
  if (Array.isArray(v)) {
    if (v.length > limits.typeNodes) throw new ManifestError(at, `an array of at most ${limits.typeNodes}`, kindOf(v));
    return v.map((x, i) => typeValue(x, `${at}[${i}]`, limits, depth + 1, count));
  }
  const o = object(v, at);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    string(k, `${at} key`, limits);
    // defineProperty: a `__proto__` key stays a plain key and changes no prototype.
    Object.defineProperty(out, k, { value: typeValue(o[k], `${at}.${k}`, limits, depth + 1, count), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function integerOrFinite(v: number, at: string): number {
  if (!Number.isFinite(v)) throw new ManifestError(at, 'a finite number', kindOf(v));
  return v;
}

function object(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ManifestError(at, 'an object', kindOf(v));
  return v as Record<string, unknown>;
}

function array(v: unknown, at: string, max: number): unknown[] {
  if (!Array.isArray(v)) throw new ManifestError(at, 'an array', kindOf(v));
  if (v.length > max) throw new ManifestError(at, `an array of at most ${max}`, kindOf(v));
  return v;
}

function string(v: unknown, at: string, limits: typeof MANIFEST_LIMITS, expected = 'a string'): string {
  if (typeof v !== 'string') throw new ManifestError(at, expected, kindOf(v));
  if (v.length > limits.stringLength) throw new ManifestError(at, `a string of at most ${limits.stringLength} characters`, kindOf(v));
  return v;
}

function integer(v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ManifestError(at, 'a non-negative integer', kindOf(v));
  return v;
}
