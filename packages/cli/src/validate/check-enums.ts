import { LIMITS } from '@netschema/runtime/catalog';
import { isFieldMember, subject, walkRawType } from '../read/model-queries.js';
import { schemaClasses, type Rule } from './rule.js';

/** NS1011: enumOf needs a TypeScript enum whose members are all compile-time constants, within the member limit. */
export const checkEnums: Rule = (ctx) => {
  const module = ctx.module;
  for (const cls of schemaClasses(module)) {
    for (const m of cls.members.filter(isFieldMember)) {
      for (const d of m.decorators) {
        walkRawType(d.type, (t) => {
          if (t.kind === 'enum' && t.enumKey === null) {
            ctx.report('NS1011', t.pos, subject(cls, m.name), `enumOf(${t.text}): ${t.text} is not a TypeScript enum; enumOf takes an enum declared with \`enum\``);
          }
        });
      }
    }
  }
  for (const key of module.moduleEnums) {
    const e = module.enums.get(key)!;
    if (e.members.length === 0) {
      ctx.report('NS1011', e.pos, subject(e.name), 'the enum has no members; an enum field needs at least one');
    } else if (e.members.length > LIMITS.maxEnumMembers) {
      ctx.report('NS1011', e.pos, subject(e.name), `the enum has ${e.members.length} members, more than the ${LIMITS.maxEnumMembers} an enum field can carry`);
    }
    for (const member of e.members) {
      if (member.value === undefined) {
        ctx.report('NS1011', member.pos, subject(e.name, member.name), 'the member value is not a compile-time constant; use a number or string literal (or a constant expression)');
      }
    }
  }
};
