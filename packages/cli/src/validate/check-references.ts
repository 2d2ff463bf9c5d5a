import { describeRawType, isNetschemaType, subject, walkRawType } from '../read/model-queries.js';
import type { RawClass } from '../read/raw-model.js';
import { schemaClasses, type Rule } from './rule.js';

/** NS1007 (references to classes that are not @schema) and NS1008 (field decorators outside @schema classes). */
export const checkReferences: Rule = (ctx) => {
  const module = ctx.module;
  for (const cls of schemaClasses(module)) {
    for (const m of cls.members) {
      for (const d of m.decorators) {
        walkRawType(d.type, (t) => {
          if (t.kind !== 'ref') return;
          const target = t.classKey === null ? undefined : module.classes.get(t.classKey);
          if (target === undefined) {
            ctx.report('NS1007', t.pos, subject(cls, m.name), `\`${t.text}\` is not a class; child, array and map take a @schema class or a thunk such as () => Node`);
          } else if (!target.isSchema) {
            ctx.report('NS1007', t.pos, subject(cls, m.name), `${target.name} is not a @schema class, so it cannot be sent; add @schema to ${target.name}`);
          }
        });
      }
    }
    // A base class with netschema fields but no @schema would lose those fields silently.
    for (let key = cls.baseKey, seen = new Set<string>(); key !== null && !seen.has(key); ) {
      seen.add(key);
      const base = module.classes.get(key);
      if (base === undefined || base.isSchema) break;
      if (hasNetschemaFields(base)) {
        ctx.report('NS1007', cls.basePos ?? cls.pos, subject(cls), `extends ${base.name}, which has netschema field decorators but no @schema; add @schema to ${base.name}`);
        break;
      }
      key = base.baseKey;
    }
  }
  for (const key of module.otherClasses) {
    const cls = module.classes.get(key)!;
    for (const m of cls.members) {
      for (const d of m.decorators.filter((x) => isNetschemaType(x.type))) {
        ctx.report('NS1008', d.pos, subject(cls, m.name), `@${describeRawType(module, d.type)} is a netschema field decorator, but ${cls.name || 'this class'} is not @schema; add @schema to the class`);
      }
    }
  }
};

function hasNetschemaFields(cls: RawClass): boolean {
  return cls.members.some((m) => m.decorators.some((d) => isNetschemaType(d.type)));
}
