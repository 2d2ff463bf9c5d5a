import type { DiagnosticCode } from '../diagnostics/diagnostic.js';
import type { SourcePos } from '../ir/schema-ir.js';
import type { RawClass, RawModule } from '../read/raw-model.js';

export interface RuleContext {
  readonly module: RawModule;
  /** Records a problem; `subject` is `Class.field` or `Class`, `text` says what is wrong and what is allowed. */
  report(code: DiagnosticCode, pos: SourcePos, subject: string, text: string): void;
}

/** A validation rule: reads the raw model and reports every problem it finds (never stops at the first). */
export type Rule = (ctx: RuleContext) => void;

/** The module's schema classes, as records. */
export function schemaClasses(module: RawModule): RawClass[] {
  return module.moduleClasses.map((k) => module.classes.get(k)!);
}
