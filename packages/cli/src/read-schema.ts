import { resolve } from 'node:path';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import type { SchemaIR } from './ir/schema-ir.js';
import { buildIr } from './read/build-ir.js';
import { compilerOptionsFor, createSchemaProgram, findTsconfig } from './read/create-program.js';
import { readModule } from './read/read-module.js';
import { validateModule } from './validate/validate-module.js';

export interface ReadResult {
  /** Absolute path of the schema file. */
  readonly file: string;
  /** Null when the schema has errors (see `diagnostics`). */
  readonly ir: SchemaIR | null;
  /** Every problem found, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  /** Files the module is read from: the schema file and those declaring classes or enums it uses. */
  readonly inputFiles: readonly string[];
}

/**
 * Reads several schema files. Files governed by the same tsconfig.json share one TypeScript
 * program, since building a program (lib files, imports) costs far more than reading a module.
 */
export function readSchemas(files: readonly string[]): ReadResult[] {
  const absolute = files.map((f) => resolve(f));
  const groups = new Map<string, string[]>();
  for (const file of absolute) {
    const config = findTsconfig(file) ?? '';
    groups.set(config, [...(groups.get(config) ?? []), file]);
  }
  const results = new Map<string, ReadResult>();
  for (const [config, group] of groups) {
    const program = createSchemaProgram(group, compilerOptionsFor(config === '' ? undefined : config));
    for (const file of group) {
      const raw = readModule(program, file);
      const diagnostics = validateModule(raw);
      results.set(file, { file, ir: diagnostics.length > 0 ? null : buildIr(raw), diagnostics, inputFiles: raw.inputFiles });
    }
  }
  return absolute.map((f) => results.get(f)!);
}

/** Reads one schema file into its IR, or the problems that prevent it. */
export function readSchema(file: string): { ir: SchemaIR | null; diagnostics: readonly Diagnostic[] } {
  const [result] = readSchemas([file]);
  return { ir: result!.ir, diagnostics: result!.diagnostics };
}


