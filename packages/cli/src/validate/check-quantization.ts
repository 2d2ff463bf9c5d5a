import { bitsForPrecision, LIMITS } from '@netschema/runtime/catalog';
import { isFieldMember, subject, walkRawType } from '../read/model-queries.js';
import type { RawArg } from '../read/raw-model.js';
import { schemaClasses, type Rule } from './rule.js';

const BIT_RANGE = `${LIMITS.minQuantBits} to ${LIMITS.maxQuantBits}`;

const fitsBudget = (bits: number): boolean => Number.isInteger(bits) && bits >= LIMITS.minQuantBits && bits <= LIMITS.maxQuantBits;
const known = (a: RawArg<number> | null): number | undefined => (a !== null && a.ok ? a.value : undefined);

/** NS1002 (quantized ranges) and NS1003 (bit counts and precisions that do not fit the bit budget). */
export const checkQuantization: Rule = (ctx) => {
  for (const cls of schemaClasses(ctx.module)) {
    for (const m of cls.members.filter(isFieldMember)) {
      const where = subject(cls, m.name);
      for (const d of m.decorators) {
        walkRawType(d.type, (t) => {
          if (t.kind === 'quantized') {
            const min = known(t.min);
            const max = known(t.max);
            const rangeOk = min !== undefined && max !== undefined && Number.isFinite(min) && Number.isFinite(max) && min < max;
            if (min !== undefined && max !== undefined && !rangeOk) {
              ctx.report('NS1002', t.pos, where, `quantized range [${min}, ${max}] is empty or not finite; min and max must be finite numbers with min < max`);
            }
            const bits = known(t.bits);
            if (bits !== undefined && !fitsBudget(bits)) {
              ctx.report('NS1003', t.bits!.pos, where, `quantized bits ${bits} is outside the bit budget; use a whole number of bits from ${BIT_RANGE}`);
            }
            const precision = known(t.precision);
            if (precision !== undefined) {
              if (!(precision > 0 && Number.isFinite(precision))) {
                ctx.report('NS1003', t.precision!.pos, where, `quantized precision ${precision} must be a finite number > 0`);
              } else if (rangeOk) {
                const needed = bitsForPrecision(min, max, precision);
                if (needed > LIMITS.maxQuantBits) {
                  ctx.report('NS1003', t.precision!.pos, where, `precision ${precision} over [${min}, ${max}] needs ${needed} bits, more than the ${LIMITS.maxQuantBits}-bit budget; use a coarser precision, a smaller range, or f32/f64`);
                }
              }
            }
          } else if (t.kind === 'angle') {
            const bits = known(t.bits);
            if (bits !== undefined && !fitsBudget(bits)) {
              ctx.report('NS1003', t.bits.pos, where, `angle bits ${bits} is outside the bit budget; use a whole number of bits from ${BIT_RANGE}`);
            }
          }
        });
      }
    }
  }
};
