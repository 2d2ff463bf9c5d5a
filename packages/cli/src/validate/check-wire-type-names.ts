import { DECORATOR_FACTORY_NAMES, isVisibilityMarker, PRIMITIVE_NAMES } from '@netschema/runtime/catalog';
import { describeRawType, isFieldMember, isNetschemaType, subject, walkRawType } from '../read/model-queries.js';
import type { RawType } from '../read/raw-model.js';
import { schemaClasses, type Rule } from './rule.js';
import { suggestName, WIRE_TYPE_NAMES } from './suggest-name.js';

const FACTORIES = DECORATOR_FACTORY_NAMES.map((name) => `${name}(...)`);
const ALLOWED = `wire types are ${[...PRIMITIVE_NAMES, ...FACTORIES.slice(0, -1)].join(', ')} and ${FACTORIES.at(-1)!}`;

/** NS1001: decorators on schema fields that are not netschema wire types, and misplaced ones. */
export const checkWireTypeNames: Rule = (ctx) => {
  for (const cls of schemaClasses(ctx.module)) {
    for (const m of cls.members.filter(isFieldMember)) {
      const where = subject(cls, m.name);
      const wire = m.decorators.filter((d) => isNetschemaType(d.type));
      if (wire.length > 1) {
        const names = wire.map((d) => `@${describeRawType(ctx.module, d.type)}`).join(' and ');
        ctx.report('NS1001', wire[1]!.pos, where, `has more than one wire type (${names}); keep exactly one`);
      }
      for (const d of m.decorators) {
        walkRawType(d.type, (t, parent) => {
          const problem = problemOf(t, parent);
          if (problem !== undefined) ctx.report('NS1001', t.pos, where, problem);
        });
      }
    }
  }
};

function problemOf(t: RawType, parent: RawType | null): string | undefined {
  if (t.kind === 'unknown') {
    if (isVisibilityMarker(t.netschemaName ?? undefined)) {
      return `${t.netschemaName} is a visibility marker, not a wire type; write it on the field beside the wire type, as in @${t.netschemaName} @u8`;
    }
    if (t.netschemaName !== null) return `${t.netschemaName} is not a field wire type; ${ALLOWED}`;
    const bare = t.name.replace(/^.*\./, '');
    if (WIRE_TYPE_NAMES.includes(bare)) {
      return `${t.name} is not netschema's ${bare}: import { ${bare} } from '@netschema/runtime'`;
    }
    const hint = suggestName(bare);
    return `unknown wire type @${t.name}${hint === undefined ? '' : `; did you mean ${hint}?`} (${ALLOWED})`;
  }
  if (t.kind === 'optional' && parent !== null) {
    return 'optional(...) may only wrap a whole field type, not an array element, a map value or another optional';
  }
  if (t.kind === 'map' && t.key.ok && t.key.value !== 'string' && t.key.value !== 'number') {
    const hint = suggestName(t.key.value, ['string', 'number']);
    return `map key kind '${t.key.value}' is unknown${hint === undefined ? '' : `; did you mean '${hint}'?`} (map keys are 'string' or 'number')`;
  }
  return undefined;
}
