import { describeRawType, isNetschemaType, subject } from '../read/model-queries.js';
import { schemaClasses, type Rule } from './rule.js';

/**
 * NS1014 (field decorators only on public instance fields) and NS1009 (the field form the
 * decorator mode needs: `accessor` under standard decorators, a plain property under
 * experimentalDecorators; otherwise the runtime's tracking accessor is shadowed or missing).
 */
export const checkFieldForms: Rule = (ctx) => {
  for (const cls of schemaClasses(ctx.module)) {
    for (const m of cls.members) {
      const wire = m.decorators.find((d) => isNetschemaType(d.type));
      if (wire === undefined) continue;
      const where = subject(cls, m.name);
      const deco = `@${describeRawType(ctx.module, wire.type)}`;
      if (m.kind === 'method' || m.kind === 'get' || m.kind === 'set') {
        const what = m.kind === 'method' ? 'a method' : `a ${m.kind} accessor`;
        ctx.report('NS1014', m.pos, where, `${deco} is on ${what}; netschema field decorators go on public instance fields`);
        continue;
      }
      const bad = [m.isStatic ? 'static' : null, m.nameKind === 'private' ? '#private' : m.modifier].filter((x) => x !== null);
      if (bad.length > 0) {
        ctx.report('NS1014', m.pos, where, `${deco} is on a ${bad.join(' ')} field; netschema field decorators go on public instance fields (generated code reads them)`);
        continue;
      }
      if (ctx.module.mode === 'standard' && m.kind === 'property') {
        ctx.report('NS1009', m.pos, where, `a plain field cannot be tracked under standard decorators; declare it with \`accessor\`: \`${deco} accessor ${m.name}\``);
      } else if (ctx.module.mode === 'legacy' && m.kind === 'accessor') {
        ctx.report('NS1009', m.pos, where, `with experimentalDecorators, fields are plain properties; remove \`accessor\`: \`${deco} ${m.name}\``);
      }
    }
  }
};
