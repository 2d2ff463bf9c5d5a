import { isFieldMember, subject, walkRawType } from '../read/model-queries.js';
import type { RawArg } from '../read/raw-model.js';
import { schemaClasses, type Rule } from './rule.js';

/**
 * NS1010: the generator reads decorator arguments without running the schema, so they must be
 * literals (or constants whose type is a literal), in the documented shape.
 */
export const checkLiteralArgs: Rule = (ctx) => {
  for (const cls of schemaClasses(ctx.module)) {
    for (const m of cls.members.filter(isFieldMember)) {
      const where = subject(cls, m.name);
      const arg = <T>(what: string, a: RawArg<T> | null, kind: string): void => {
        if (a !== null && !a.ok) {
          ctx.report('NS1010', a.pos, where, `${what} must be a ${kind} literal (or a const with a literal type), got \`${a.text}\`; arguments must be literals`);
        }
      };
      for (const d of m.decorators) {
        walkRawType(d.type, (t) => {
          switch (t.kind) {
            case 'quantized':
              arg('quantized min', t.min, 'number');
              arg('quantized max', t.max, 'number');
              arg('quantized bits', t.bits, 'number');
              arg('quantized precision', t.precision, 'number');
              break;
            case 'angle':
              arg('angle bits', t.bits, 'number');
              arg('angle unit', t.unit, 'string');
              if (t.unit !== null && t.unit.ok && t.unit.value !== 'rad' && t.unit.value !== 'deg') {
                ctx.report('NS1010', t.unit.pos, where, `angle unit must be 'rad' or 'deg', got '${t.unit.value}'`);
              }
              break;
            case 'map':
              arg('map key kind', t.key, "string ('string' or 'number')");
              break;
            case 'malformed':
              ctx.report('NS1010', t.pos, where, t.reason);
              break;
            default:
              break;
          }
        });
      }
    }
  }
};
