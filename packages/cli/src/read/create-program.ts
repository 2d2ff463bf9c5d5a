import { dirname } from 'node:path';
import ts from 'typescript';

/** Used when no tsconfig.json governs a schema file: what the netschema runtime itself expects. */
export const DEFAULT_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  customConditions: ['source'],
  strict: true,
  skipLibCheck: true,
};

/** The tsconfig.json nearest to a file (walking up), or undefined. */
export function findTsconfig(file: string): string | undefined {
  return ts.findConfigFile(dirname(file), (f) => ts.sys.fileExists(f), 'tsconfig.json');
}

/**
 * Compiler options from a tsconfig.json (following `extends`), never emitting. Config errors are
 * ignored on purpose: the generator only needs types, and tsc reports them better.
 */
export function compilerOptionsFor(tsconfig: string | undefined): ts.CompilerOptions {
  if (tsconfig === undefined) return { ...DEFAULT_COMPILER_OPTIONS, noEmit: true };
  const read = ts.readConfigFile(tsconfig, (f) => ts.sys.readFile(f));
  if (read.error !== undefined || read.config === undefined) return { ...DEFAULT_COMPILER_OPTIONS, noEmit: true };
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfig), undefined, tsconfig);
  return { ...parsed.options, noEmit: true };
}

/** One program over the given files; only the schema files are roots, imports load lazily. */
export function createSchemaProgram(files: readonly string[], options: ts.CompilerOptions): ts.Program {
  return ts.createProgram({ rootNames: [...files], options });
}
