import { LIMITS } from '@netschema/runtime/catalog';
import { collectFields, subject } from '../read/model-queries.js';
import { schemaClasses, type Rule } from './rule.js';

/** NS1005 (fields per class, inherited included: change masks have a fixed width) and NS1015 (classes per module). */
export const checkLimits: Rule = (ctx) => {
  const classes = schemaClasses(ctx.module);
  for (const cls of classes) {
    const fields = collectFields(ctx.module, cls);
    if (fields.length > LIMITS.maxFieldsPerClass) {
      const inherited = fields.filter((f) => f.owner !== cls).length;
      ctx.report(
        'NS1005',
        cls.pos,
        subject(cls),
        `has ${fields.length} fields${inherited > 0 ? ` (${inherited} inherited)` : ''}, more than the ${LIMITS.maxFieldsPerClass} a class may have; group related fields into child(...) objects`,
      );
    }
  }
  if (classes.length > LIMITS.maxClasses) {
    // Point at the first class past the limit in id (name) order: the one that does not get an id.
    const sorted = [...classes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const first = sorted[LIMITS.maxClasses]!;
    ctx.report(
      'NS1015',
      first.pos,
      subject(first),
      `the module has ${classes.length} schema classes, more than the ${LIMITS.maxClasses} one module may have; split the schema into several files`,
    );
  }
};
