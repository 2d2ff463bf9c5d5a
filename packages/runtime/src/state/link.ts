import type { ClassCodec, SchemaModule } from '../codec/schema-module.js';
import { maskBit, maskWord } from '../schema/catalog.js';
import { classInfoOf, type ClassInfo, type Visibility } from '../schema/class-info.js';

/** Accepts a generated module's `netschema` export or the module namespace itself. */
export function schemaModuleOf(m: SchemaModule | { netschema: SchemaModule }): SchemaModule {
  return 'netschema' in m ? m.netschema : m;
}

/**
 * Finds the codec for a decorated class and checks that the generated code matches the class as
 * it is now, so a stale `.netschema.ts` fails loudly instead of sending the wrong bytes.
 */
export function codecFor(m: SchemaModule, ctor: unknown, cache: Map<unknown, ClassCodec>): ClassCodec {
  const hit = cache.get(ctor);
  if (hit !== undefined) return hit;
  const info = classInfoOf(ctor);
  if (info === undefined) {
    const name = (ctor as { name?: string }).name ?? String(ctor);
    throw new Error(`${name} is not a schema class: decorate it with @schema`);
  }
  const codec = m.byName.get(info.name);
  if (codec === undefined) {
    throw new Error(`${info.name} is not in the generated schema (fingerprint ${m.fingerprint}): add it to the schema file and run netschema generate`);
  }
  checkLayout(info, codec);
  cache.set(ctor, codec);
  return codec;
}

function checkLayout(info: ClassInfo, codec: ClassCodec): void {
  const live = info.fields.map((f) => f.name);
  const gen = codec.fields;
  for (let i = 0; i < Math.max(live.length, gen.length); i++) {
    if (live[i] !== gen[i]) {
      throw new Error(
        `${info.name}: the generated code is stale: field ${i} is ${gen[i] === undefined ? 'missing' : `'${gen[i]}'`} in the generated module ` +
          `but ${live[i] === undefined ? 'absent' : `'${live[i]}'`} in the class. Run netschema generate`,
      );
    }
  }
  // A marker added or removed without regenerating would send a hidden field to everyone.
  const m = codec.masks;
  for (const f of info.fields) {
    const w = maskWord(f.index);
    const bit = maskBit(f.index);
    const gen: Visibility = m === undefined ? 'all' : (m.ownerOnly[w]! & bit) !== 0 ? 'owner' : (m.teamOnly[w]! & bit) !== 0 ? 'team' : 'all';
    if (gen !== f.visibility) {
      throw new Error(
        `${info.name}.${f.name}: the generated code is stale: the field is ${VISIBILITY_TEXT[f.visibility]} in the class ` +
          `but ${VISIBILITY_TEXT[gen]} in the generated module. Run netschema generate`,
      );
    }
  }
}

const VISIBILITY_TEXT: Record<Visibility, string> = { all: 'visible to all clients', owner: '@ownerOnly', team: '@teamOnly' };

