import { normalizeDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { RawModule } from '../read/raw-model.js';
import { checkCycles } from './check-cycles.js';
import { checkEnums } from './check-enums.js';
import { checkExports } from './check-exports.js';
import { checkFieldForms } from './check-field-forms.js';
import { checkInheritance } from './check-inheritance.js';
import { checkLimits } from './check-limits.js';
import { checkLiteralArgs } from './check-literal-args.js';
import { checkNames } from './check-names.js';
import { checkQuantization } from './check-quantization.js';
import { checkReferences } from './check-references.js';
import { checkTsTypes } from './check-ts-types.js';
import { checkVisibility } from './check-visibility.js';
import { checkWireTypeNames } from './check-wire-type-names.js';
import type { Rule } from './rule.js';

const RULES: readonly Rule[] = [
  checkWireTypeNames,
  checkLiteralArgs,
  checkQuantization,
  checkTsTypes,
  checkLimits,
  checkNames,
  checkReferences,
  checkFieldForms,
  checkEnums,
  checkInheritance,
  checkExports,
  checkCycles,
  checkVisibility,
];

/** Runs every rule over the module and returns all problems, sorted by position. */
export function validateModule(module: RawModule): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ctx = {
    module,
    report: (code: Diagnostic['code'], pos: { file: string; line: number; col: number }, subject: string, text: string) => {
      out.push({ code, file: pos.file, line: pos.line, col: pos.col, message: `${subject}: ${text}` });
    },
  };
  for (const rule of RULES) rule(ctx);
  return normalizeDiagnostics(out);
}
