import { subject } from '../read/model-queries.js';
import type { RawClass, RawMember, RawModule, RawType } from '../read/raw-model.js';
import { schemaClasses, type Rule } from './rule.js';

/**
 * NS1017: a cycle of required `child` fields (A holds a B that holds an A) can never be built or
 * decoded: every object would need another one first. Optional fields, arrays and maps break
 * the cycle, because they may be empty.
 */
export const checkCycles: Rule = (ctx) => {
  const module = ctx.module;
  const reported = new Set<string>();
  for (const start of schemaClasses(module)) {
    const path: { cls: RawClass; member: RawMember }[] = [];
    const onPath = new Set<string>();
    const visit = (cls: RawClass): boolean => {
      if (onPath.has(cls.key)) {
        const from = path.findIndex((p) => p.cls.key === cls.key);
        const cycle = path.slice(from);
        const first = cycle[0]!;
        const id = cycle.map((p) => `${p.cls.key}.${p.member.name}`).sort().join(',');
        if (!reported.has(id)) {
          reported.add(id);
          const chain = [...cycle.map((p) => `${p.cls.name}.${p.member.name}`), first.cls.name].join(' → ');
          ctx.report('NS1017', first.member.pos, subject(first.cls, first.member.name), `required child fields form a cycle (${chain}), so no object could ever be complete; make one of them optional(child(...))`);
        }
        return true;
      }
      onPath.add(cls.key);
      for (const { owner, member, target } of requiredChildren(module, cls)) {
        path.push({ cls: owner, member });
        const found = visit(target);
        path.pop();
        if (found) break;
      }
      onPath.delete(cls.key);
      return false;
    };
    visit(start);
  }
};

/** Required `child` fields of a class, inherited ones included, with the class they hold. */
function requiredChildren(module: RawModule, cls: RawClass): { owner: RawClass; member: RawMember; target: RawClass }[] {
  const out: { owner: RawClass; member: RawMember; target: RawClass }[] = [];
  for (let c: RawClass | undefined = cls, seen = new Set<string>(); c !== undefined && !seen.has(c.key); c = c.baseKey === null ? undefined : module.classes.get(c.baseKey)) {
    seen.add(c.key);
    for (const m of c.members) {
      for (const d of m.decorators) {
        const target = refTarget(module, d.type);
        if (target !== undefined) out.push({ owner: cls, member: m, target });
      }
    }
  }
  return out;
}

function refTarget(module: RawModule, t: RawType): RawClass | undefined {
  if (t.kind !== 'ref' || t.classKey === null) return undefined;
  const target = module.classes.get(t.classKey);
  return target?.isSchema ? target : undefined;
}
