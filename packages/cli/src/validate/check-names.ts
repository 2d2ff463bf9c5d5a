import { basename, dirname, relative } from 'node:path';
import type { SourcePos } from '../ir/schema-ir.js';
import { isFieldMember, subject } from '../read/model-queries.js';
import { schemaClasses, type Rule, type RuleContext } from './rule.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** NS1006 (class and enum names must be unique in a module: they name generated code) and NS1012 (names). */
export const checkNames: Rule = (ctx) => {
  const classes = schemaClasses(ctx.module);
  reportDuplicates(ctx, classes, 'schema class');
  reportDuplicates(ctx, ctx.module.moduleEnums.map((k) => ctx.module.enums.get(k)!), 'enum');
  for (const cls of classes) {
    if (!IDENTIFIER.test(cls.name)) {
      ctx.report('NS1012', cls.pos, subject(cls), 'a schema class needs a plain identifier name (letters, digits, _)');
    }
    for (const m of cls.members.filter(isFieldMember)) {
      // `#private` names are NS1014's concern.
      if (m.nameKind === 'private') continue;
      if (m.nameKind !== 'identifier' || !IDENTIFIER.test(m.name)) {
        ctx.report('NS1012', m.pos, subject(cls, m.name), 'a field name must be a plain identifier (letters, digits, _), not a string, number or computed key');
      } else if (m.name.startsWith('$')) {
        ctx.report('NS1012', m.pos, subject(cls, m.name), 'field names starting with $ are reserved for netschema bookkeeping; rename the field');
      }
    }
  }
};

function reportDuplicates(ctx: RuleContext, items: readonly { name: string; file: string; pos: SourcePos }[], what: string): void {
  const byName = new Map<string, (typeof items)[number][]>();
  for (const it of items) byName.set(it.name, [...(byName.get(it.name) ?? []), it]);
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    // The one in the schema file itself counts as the original; the others are reported.
    const rank = (x: { file: string }): string => (x.file === ctx.module.rootFile ? '' : x.file);
    const sorted = [...group].sort((a, b) => (rank(a) !== rank(b) ? (rank(a) < rank(b) ? -1 : 1) : a.pos.line - b.pos.line || a.pos.col - b.pos.col));
    const first = sorted[0]!;
    for (const dup of sorted.slice(1)) {
      const at = `${relative(dirname(dup.file), first.file) || basename(first.file)}:${first.pos.line}:${first.pos.col}`;
      ctx.report('NS1006', dup.pos, name, `another ${what} named ${name} is in this module (${at}); names must be unique in a module, rename one`);
    }
  }
}
