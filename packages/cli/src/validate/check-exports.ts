import { subject } from '../read/model-queries.js';
import { schemaClasses, type Rule } from './rule.js';

/**
 * NS1016: schema classes and enums must be exported under their own name, because the generated
 * module imports their types (`import type * as $src from './state.js'`) and names them.
 */
export const checkExports: Rule = (ctx) => {
  const module = ctx.module;
  for (const cls of schemaClasses(module)) {
    if (!cls.exported) {
      ctx.report('NS1016', cls.pos, subject(cls), `is not exported; the generated code refers to it by name: write \`export class ${cls.name}\``);
    }
  }
  for (const key of module.moduleEnums) {
    const e = module.enums.get(key)!;
    if (!e.exported) ctx.report('NS1016', e.pos, e.name, `is not exported; the generated code refers to it by name: write \`export enum ${e.name}\``);
  }
};
