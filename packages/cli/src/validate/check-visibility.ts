import { collectFields, isNetschemaType, schemaBase, subject, walkRawType } from '../read/model-queries.js';
import type { RawMember } from '../read/raw-model.js';
import { schemaClasses, type Rule } from './rule.js';

/**
 * NS1018: visibility markers (`@ownerOnly`, `@teamOnly`) go beside a field's wire type, once, and
 * one of them per field. NS1008 for a marker alone in a class that is not @schema.
 */
export const checkVisibility: Rule = (ctx) => {
  const module = ctx.module;
  for (const cls of schemaClasses(module)) {
    const base = schemaBase(module, cls);
    const inherited = new Map((base === null ? [] : collectFields(module, base)).map((f) => [f.member.name, f.owner.name]));
    for (const m of cls.members) {
      if (m.markers.length === 0) continue;
      const where = subject(cls, m.name);
      for (const mk of m.markers.filter((x) => x.called)) {
        ctx.report('NS1018', mk.pos, where, `@${mk.name} takes no arguments: write @${mk.name}`);
      }
      const first = m.markers[0]!;
      const other = m.markers.find((x) => x.name !== first.name);
      if (other !== undefined) {
        ctx.report('NS1018', other.pos, where, "has both @ownerOnly and @teamOnly, but a field has one visibility; keep @ownerOnly (only the owning client) or @teamOnly (clients on the entity's team and its owner)");
      }
      m.markers.forEach((mk, i) => {
        if (m.markers.slice(0, i).some((x) => x.name === mk.name)) ctx.report('NS1018', mk.pos, where, `@${mk.name} is written twice; remove one`);
      });
      if (m.decorators.some((d) => isNetschemaType(d.type))) continue;
      ctx.report('NS1018', first.pos, where, noWireType(first.name, m, inherited.get(m.name)));
    }
  }
  // Markers act on an entity's own fields. Inside an object held by another field, whoever sees
  // the holding field sees everything in it, so a marker there is kept only when the holder is at
  // least as strict (an @ownerOnly holder covers any marker, a @teamOnly one covers @teamOnly).
  const holders = new Map<string, { where: string; vis: string | null }[]>();
  for (const cls of schemaClasses(module)) {
    for (const m of cls.members) {
      const vis = m.markers[0]?.name ?? null;
      for (const d of m.decorators) {
        walkRawType(d.type, (t) => {
          if (t.kind !== 'ref' || t.classKey === null) return;
          const list = holders.get(t.classKey) ?? [];
          list.push({ where: subject(cls, m.name), vis });
          holders.set(t.classKey, list);
        });
      }
    }
  }
  const covers = (holder: string | null, marker: string) => holder === 'ownerOnly' || (holder === 'teamOnly' && marker === 'teamOnly');
  for (const cls of schemaClasses(module)) {
    const list = holders.get(cls.key);
    if (list === undefined) continue;
    for (const m of cls.members) {
      const mk = m.markers[0];
      if (mk === undefined) continue;
      const leak = list.find((h) => !covers(h.vis, mk.name));
      if (leak !== undefined) {
        ctx.report('NS1018', mk.pos, subject(cls, m.name), `@${mk.name} cannot hide this field inside ${leak.where}, which holds a ${cls.name} and is ${leak.vis === null ? 'visible to all' : `only @${leak.vis}`}; mark ${leak.where} @${mk.name === 'ownerOnly' ? 'ownerOnly' : 'teamOnly'} (whoever sees a holding field sees all of the object in it)`);
      }
    }
  }
  for (const key of module.otherClasses) {
    const cls = module.classes.get(key)!;
    for (const m of cls.members) {
      if (m.decorators.some((d) => isNetschemaType(d.type))) continue; // NS1008 reported for the wire type already
      for (const mk of m.markers) {
        ctx.report('NS1008', mk.pos, subject(cls, m.name), `@${mk.name} is a netschema field decorator, but ${cls.name || 'this class'} is not @schema; add @schema to the class`);
      }
    }
  }
};

function noWireType(marker: string, m: RawMember, inheritedFrom: string | undefined): string {
  if (m.kind === 'method' || m.kind === 'get' || m.kind === 'set') {
    const what = m.kind === 'method' ? 'a method' : `a ${m.kind} accessor`;
    return `@${marker} is on ${what}; visibility markers go on public instance fields, beside the wire type`;
  }
  if (inheritedFrom !== undefined) {
    return `@${marker} marks a field declared by ${inheritedFrom}; put it on the field in ${inheritedFrom}, beside its wire type`;
  }
  return `@${marker} has no wire type beside it, so there is no field to hide; write the field's wire type next to it, as in \`@${marker} @u8 accessor ${m.name}\``;
}
