/**
 * Runs the shared conformance vectors (vectors.json, documented in docs/wire-format.md) against
 * the runtime: each value case is encoded with Writer and decoded with Reader; each frame case
 * drives a World through its actions (bytes must match) and feeds the vector's bytes to a
 * ReplicaWorld (state must match); each decode case's hand-written frames, fed to a ReplicaWorld,
 * must give its replica (iteration order included); each malformed case must raise a DecodeError
 * with the expected <what> and offset, and leave the decoder usable.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError, Reader, ReplicaWorld, World } from '@netschema/runtime';
import * as gen from '@netschema/test-fixtures/schemas/conformance.netschema';
import {
  decodeValue, emitFrame, encodeValue, entitiesToJson, fromHex, runAction, toHex, valueFromVector, valueToJson,
  type Action, type Emit, type Json, type ValueType,
} from './harness.js';

interface ValueCase { kind: 'value'; name: string; purpose: string; type: ValueType; params?: Json; value: Json; decoded?: Json; hex: string }
interface FrameTick { actions: Action[]; emit: Emit; hex: string }
interface FrameCase {
  kind: 'frame'; name: string; purpose: string; knownFailure?: string; before?: FrameTick[];
  actions: Action[]; emit: Emit; hex: string; replica: Json;
  changes: { added: number[]; changed: number[]; masks: number[]; removed: number[] };
}
interface DecodeCase { kind: 'decode'; name: string; purpose: string; before?: string[]; hex: string; replica: Json }
interface MalformedCase {
  kind: 'malformed'; name: string; purpose: string; decodeAs: ValueType | 'frame'; params?: Json; before?: string[];
  hex: string; error: { message: string; offset: number; detail?: string };
}
type Case = ValueCase | FrameCase | DecodeCase | MalformedCase;

const corpus = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8')) as {
  spec: string; fingerprint: string; knownFailures: string[]; cases: Case[];
};
const valueCases = corpus.cases.filter((c): c is ValueCase => c.kind === 'value');
const frameCases = corpus.cases.filter((c): c is FrameCase => c.kind === 'frame');
const decodeCases = corpus.cases.filter((c): c is DecodeCase => c.kind === 'decode');
const malformedCases = corpus.cases.filter((c): c is MalformedCase => c.kind === 'malformed');

describe('conformance corpus', () => {
  it('was generated from the current fixture schema', () => {
    expect(corpus.fingerprint).toBe(gen.netschema.fingerprint);
  });

  it('covers every kind, with unique names and a purpose each', () => {
    expect(valueCases.length).toBeGreaterThan(50);
    expect(frameCases.length).toBeGreaterThan(30);
    expect(decodeCases.length).toBeGreaterThan(5);
    expect(malformedCases.length).toBeGreaterThan(50);
    expect(new Set(corpus.cases.map((c) => c.name)).size).toBe(corpus.cases.length);
    for (const c of corpus.cases) expect(c.purpose.length, c.name).toBeGreaterThan(5);
    expect(corpus.knownFailures).toEqual(frameCases.filter((c) => c.knownFailure).map((c) => c.name));
  });

  it('is the one the spec links to, and every worked example in the spec matches it', () => {
    const doc = readFileSync(new URL(`../../${corpus.spec}`, import.meta.url), 'utf8');
    const byName = new Map(corpus.cases.map((c) => [c.name, c]));
    const examples = [...doc.matchAll(/<!-- vector: (\S+) -->\s*```[a-z]*\n([\s\S]*?)```/g)];
    expect(examples.length).toBeGreaterThan(8);
    for (const [, name, block] of examples) {
      const c = byName.get(name!);
      expect(c, `the spec cites vector ${name}, which is not in the corpus`).toBeDefined();
      // Each line starts with the bytes it explains; what follows them is commentary.
      const bytes = block!.split('\n').map((line) => /^((?:[0-9a-f]{2}(?: |$))*)/.exec(line.trim())![1]!.replace(/\s+/g, '')).join('');
      expect(bytes, `spec example for ${name}`).toBe(c!.hex);
    }
  });
});

describe('value vectors', () => {
  for (const c of valueCases) {
    const value = valueFromVector(c.type, c.value);
    const decoded = c.decoded ?? c.value;
    it(`${c.name}: Writer encodes ${c.type} ${JSON.stringify(c.value)} as ${c.hex}`, () => {
      expect(toHex(encodeValue(c.type, value, c.params))).toBe(c.hex);
    });
    it(`${c.name}: Reader decodes ${c.hex} as ${JSON.stringify(decoded)}, consuming every byte`, () => {
      const r = new Reader(fromHex(c.hex));
      expect(valueToJson(c.type, decodeValue(r, c.type, c.params))).toEqual(decoded);
      expect(r.remaining).toBe(0);
    });
  }
});

describe('frame vectors', () => {
  for (const c of frameCases) {
    it(`${c.name}: a World driven through the actions emits the vector's bytes`, () => {
      const world = new World(gen);
      const refs = new Map<string, object>();
      for (const t of c.before ?? []) {
        for (const a of t.actions) runAction(world, refs, a);
        expect(toHex(emitFrame(world, t.emit)), 'a frame before the one under test').toBe(t.hex);
      }
      for (const a of c.actions) runAction(world, refs, a);
      expect(toHex(emitFrame(world, c.emit))).toBe(c.hex);
    });

    const applies = (): void => {
      const replica = new ReplicaWorld(gen);
      for (const t of c.before ?? []) replica.apply(fromHex(t.hex));
      const changes = replica.apply(fromHex(c.hex));
      expect({ added: [...changes.added], changed: [...changes.changed], masks: [...changes.masks], removed: [...changes.removed] }).toEqual(c.changes);
      expect(entitiesToJson(replica.entities)).toEqual(c.replica);
    };
    if (c.knownFailure === undefined) {
      it(`${c.name}: a ReplicaWorld fed the bytes holds the expected state`, applies);
    } else {
      // Known runtime bug (see knownFailure): passes while the bug is there, fails once it is fixed.
      it.fails(`${c.name}: a ReplicaWorld fed the bytes holds the expected state [known failure: ${c.knownFailure}]`, applies);
    }
  }

  it("map keys '__proto__' and 'constructor' stay Map keys", () => {
    const c = frameCases.find((x) => x.name === 'full-proto-keys')!;
    const replica = new ReplicaWorld(gen);
    replica.apply(fromHex(c.hex));
    const bag = replica.get(1) as gen.Bag;
    expect(bag.scores).toBeInstanceOf(Map);
    expect([...bag.scores.keys()]).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(bag.scores)).toBe(Map.prototype);
    expect(Object.hasOwn(bag, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
  });
});

describe('decode vectors (frames written by hand)', () => {
  for (const c of decodeCases) {
    it(`${c.name}: a ReplicaWorld fed the bytes holds the expected state`, () => {
      const replica = new ReplicaWorld(gen);
      for (const h of c.before ?? []) replica.apply(fromHex(h));
      replica.apply(fromHex(c.hex));
      expect(entitiesToJson(replica.entities)).toEqual(c.replica);
      // Iteration order is part of the state (toEqual on arrays checks it; ids first for a readable failure).
      expect([...replica.entities.keys()]).toEqual((c.replica as [number, Json][]).map(([id]) => id));
    });
  }

  it('a hidden field of a fresh replica is undefined, not the zero of its type', () => {
    const c = decodeCases.find((x) => x.name === 'room-enter-hidden-fields')!;
    const replica = new ReplicaWorld(gen);
    replica.apply(fromHex(c.hex));
    const w = replica.get(1) as gen.Wizard;
    expect(w).toBeInstanceOf(gen.Wizard);
    expect([w.hp, w.mana, w.name]).toEqual([undefined, undefined, 'Ann']);
  });
});

describe('manifest and fingerprint (spec: "Manifest")', () => {
  const manifestJson = JSON.parse(readFileSync(new URL('../fixtures/schemas/conformance.netschema.json', import.meta.url), 'utf8')) as {
    format: string; version: number; fingerprint: string; classes: unknown[]; enums: unknown[];
  };

  it('the .json manifest is the one the generated module carries', () => {
    expect(manifestJson).toEqual(gen.manifest);
    expect(manifestJson.format).toBe('netschema-manifest');
    expect(manifestJson.version).toBe(1);
  });

  it('the fingerprint is the first 16 hex digits of SHA-256 over {"wire":1,"classes":…,"enums":…}', () => {
    const canon = JSON.stringify({ wire: 1, classes: manifestJson.classes, enums: manifestJson.enums });
    expect(createHash('sha256').update(canon).digest('hex').slice(0, 16)).toBe(manifestJson.fingerprint);
  });
});

describe('decoder state after a rejected frame', () => {
  it('a full frame rejected for trailing bytes leaves the earlier entities in place', () => {
    const replica = new ReplicaWorld(gen);
    replica.apply(fromHex('010102090000c03f000000c0'));
    expect(() => replica.apply(fromHex('010104090000000000000000ff'))).toThrow(DecodeError);
    expect([...replica.entities.keys()]).toEqual([1]);
  });

  it('a full frame rejected inside an entity leaves the earlier entities in place', () => {
    const replica = new ReplicaWorld(gen);
    replica.apply(fromHex('010102090000c03f000000c0'));
    expect(() => replica.apply(fromHex('0102040900000000000000000209'))).toThrow(DecodeError);
    expect(entitiesToJson(replica.entities)).toEqual([[1, { $class: 'Vec2', x: 1.5, y: -2 }]]);
  });
});

/** A valid input decoded by the same instance after a failure: the decoder must still work. */
function recoverPrimitive(r: Reader, c: MalformedCase): void {
  const ok = valueCases.find((v) => v.type === c.decodeAs && JSON.stringify(v.params) === JSON.stringify(c.params));
  expect(ok, `a value case of type ${c.decodeAs} to recover with`).toBeDefined();
  r.reset(fromHex(ok!.hex));
  expect(valueToJson(ok!.type, decodeValue(r, ok!.type, ok!.params))).toEqual(ok!.decoded ?? ok!.value);
  expect(r.remaining).toBe(0);
}

const recoveryFrame = frameCases.find((c) => c.name === 'full-bag')!;

describe('malformed vectors', () => {
  for (const c of malformedCases) {
    it(`${c.name}: ${c.decodeAs} ${c.hex.length > 40 ? c.hex.slice(0, 40) + '…' : c.hex || '(empty)'} → DecodeError "${c.error.message}" at byte ${c.error.offset}`, () => {
      let err: unknown;
      if (c.decodeAs === 'frame') {
        const replica = new ReplicaWorld(gen);
        for (const h of c.before ?? []) replica.apply(fromHex(h));
        try {
          replica.apply(fromHex(c.hex));
        } catch (e) {
          err = e;
        }
        expectDecodeError(err, c);
        const changes = replica.apply(fromHex(recoveryFrame.hex));
        expect(changes.added).toEqual(recoveryFrame.changes.added);
        expect(entitiesToJson(replica.entities)).toEqual(recoveryFrame.replica);
      } else {
        const r = new Reader(fromHex(c.hex));
        try {
          decodeValue(r, c.decodeAs, c.params);
        } catch (e) {
          err = e;
        }
        expectDecodeError(err, c);
        recoverPrimitive(r, c);
      }
    });
  }
});

function expectDecodeError(err: unknown, c: MalformedCase): void {
  expect(err, 'a DecodeError').toBeInstanceOf(DecodeError);
  const e = err as DecodeError;
  expect(e.name).toBe('DecodeError');
  expect(e).toBeInstanceOf(Error);
  // The vector's message is the error's <what> (spec section 11); the whole message starts with it.
  expect(e.what).toBe(c.error.message);
  expect(e.message.startsWith(`${c.error.message} at byte ${c.error.offset}: `)).toBe(true);
  if (c.error.detail !== undefined) expect(e.message).toBe(c.error.detail);
  expect(e.offset).toBe(c.error.offset);
  expect(e.message).toContain(`at byte ${c.error.offset}: expected ${e.expected}, got ${e.got}`);
}
