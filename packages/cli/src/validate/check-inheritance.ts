import { collectFields, schemaBase, subject } from '../read/model-queries.js';
import { schemaClasses, type Rule } from './rule.js';

/**
 * NS1013: a subclass member named like an inherited schema field, decorated or not, would
 * shadow the base class's tracking accessor, so changes to it would never be sent.
 */
export const checkInheritance: Rule = (ctx) => {
  for (const cls of schemaClasses(ctx.module)) {
    const base = schemaBase(ctx.module, cls);
    if (base === null) continue;
    const inherited = new Map(collectFields(ctx.module, base).map((f) => [f.member.name, f.owner.name]));
    for (const m of cls.members) {
      if (m.isStatic || m.kind === 'method' || m.nameKind === 'private') continue;
      const from = inherited.get(m.name);
      if (from === undefined) continue;
      ctx.report(
        'NS1013',
        m.pos,
        subject(cls, m.name),
        `redeclares the schema field ${m.name} inherited from ${from}; a subclass cannot redeclare a schema field (assign it in the constructor instead)`,
      );
    }
  }
};
