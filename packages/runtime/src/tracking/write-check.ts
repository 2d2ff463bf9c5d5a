import type { FieldInfo } from '../schema/class-info.js';
import { PRIMITIVES } from '../schema/catalog.js';

/**
 * Development write checks. A tracked write of a value the field's wire type cannot carry
 * (`undefined` in a `@string`, a string in a `@u8`, 300 in a `@u8`) throws a TypeError at the
 * write, naming the class and field, where the stack shows the code that wrote it. Without it
 * the generated encoder refuses the value ticks later (`EncodeError`), far from the cause, and a
 * room can only take the entity out of replication. The test is inlined into the generated
 * setter, so with checks off the setter is exactly what it was: nothing is read per write.
 *
 * Switch: read when a field's accessor is built, that is when its class is defined. On unless
 * `process.env.NODE_ENV === 'production'`; `setDevChecks(on)` overrides it for classes defined
 * after the call. Turning checks off also lets refused writes through on classes built with
 * them (the flag is read on the failure path only), so a test can write a bad value on purpose.
 */

// The runtime does not depend on Node's types: a browser has no `process` at all.
declare const process: { readonly env: Readonly<Record<string, string | undefined>> };

function fromEnvironment(): boolean {
  try {
    // Written out in full, so bundlers that replace `process.env.NODE_ENV` with a literal see it;
    // where nothing defines `process` (a browser, unbundled), the checks stay on.
    return process.env.NODE_ENV !== 'production';
  } catch {
    return true;
  }
}

let enabled = fromEnvironment();

/**
 * Turns the development write checks on or off. Classes defined while they are off carry no
 * check at all (a class's accessors are built when it is defined, so call this in a module
 * imported before the state classes); turning them off later lets bad writes through on the
 * classes built with checks. Default: on unless `NODE_ENV` is `production`.
 */
export function setDevChecks(on: boolean): void {
  enabled = on;
}

/** Whether classes defined now get write checks. */
export function devChecks(): boolean {
  return enabled;
}

/** A field's write check: a test inlined into its setter, and the error it throws. */
export interface WriteCheck {
  /** A JavaScript expression over `v`, true when the value is refused. May read `check.values`. */
  readonly test: string;
  /** For enums: the members' values. */
  readonly values: ReadonlySet<unknown>;
  /** Throws the TypeError (where: `Class.field`, what the wire type takes, what it got), unless checks were turned off since. */
  fail(where: string, got: unknown): void;
}

const NONE: ReadonlySet<unknown> = new Set();

/** The write check for a field, or null when checks are off or the field is checked elsewhere. */
export function writeCheck(field: Pick<FieldInfo, 'type' | 'optional' | 'nested'>): WriteCheck | null {
  // Nested fields (schema objects, NetArray, NetMap) are checked by `adopt` in every build.
  if (!enabled || field.nested) return null;
  const t = field.type;
  let test: string;
  let expected: string;
  let values = NONE;
  switch (t.kind) {
    case 'primitive': {
      const p = PRIMITIVES[t.name];
      if (p.ts === 'number' && p.min !== undefined && p.max !== undefined) {
        test = `typeof v !== 'number' || !(v >= ${p.min} && v <= ${p.max}) || Math.floor(v) !== v`;
        expected = `an integer from ${p.min} to ${p.max} (@${t.name})`;
      } else if (p.ts === 'number') {
        test = `typeof v !== 'number'`;
        expected = `a number (@${t.name})`;
      } else if (p.ts === 'Uint8Array') {
        test = `!(v instanceof Uint8Array)`;
        expected = `a Uint8Array (@${t.name})`;
      } else {
        test = `typeof v !== '${p.ts}'`;
        expected = `a ${p.ts} (@${t.name})`;
      }
      break;
    }
    case 'quantized':
      // Values outside [min, max] are clamped by design; NaN and infinities are the encoder's.
      test = `typeof v !== 'number'`;
      expected = `a number (@quantized)`;
      break;
    case 'angle':
      test = `typeof v !== 'number'`;
      expected = `a number (@angle)`;
      break;
    case 'enum':
      values = new Set(t.values);
      test = `!check.values.has(v)`;
      expected = `a member of ${t.name} (${t.values.slice(0, 8).map((x) => JSON.stringify(x)).join(', ')}${t.values.length > 8 ? ', …' : ''})`;
      break;
    default:
      return null;
  }
  if (field.optional) {
    test = `v !== undefined && (${test})`;
    expected += ' or undefined (optional)';
  }
  return {
    test,
    values,
    fail(where: string, got: unknown): void {
      if (!enabled) return;
      throw new TypeError(`${where}: expected ${expected}, got ${describeValue(got)} (netschema write check; off when NODE_ENV=production, see setDevChecks)`);
    },
  };
}

/** A value as an error message shows it: short, and never its whole contents. */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    case 'number':
      return String(v);
    case 'bigint':
      return `${v}n`;
    case 'boolean':
      return String(v);
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default: {
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'an Array';
      const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
      return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
    }
  }
}
