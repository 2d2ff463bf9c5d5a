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

/**
 * Parsed source files kept across programs, revalidated by their text. `--watch` rebuilds a
 * program on every save; without this it would re-parse the lib files and every import each time.
 */
const parsed = new Map<string, { text: string; file: ts.SourceFile }>();
/** The last program per set of roots and options: lets TypeScript reuse its module resolution. */
const previous = new Map<string, ts.Program>();

function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const parse = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = host.readFile(fileName);
    if (text === undefined) return parse(fileName, languageVersion, onError, shouldCreate);
    const how = typeof languageVersion === 'object' ? `${languageVersion.languageVersion}:${String(languageVersion.impliedNodeFormat)}` : String(languageVersion);
    const key = `${how}|${fileName}`;
    const hit = parsed.get(key);
    if (hit !== undefined && hit.text === text) return hit.file;
    const file = parse(fileName, languageVersion, onError, shouldCreate);
    if (file !== undefined) parsed.set(key, { text, file });
    return file;
  };
  return host;
}

/** One program over the given files; only the schema files are roots, imports load lazily. */
export function createSchemaProgram(files: readonly string[], options: ts.CompilerOptions): ts.Program {
  const key = JSON.stringify([files, options]);
  const oldProgram = previous.get(key);
  const program = ts.createProgram({ rootNames: [...files], options, host: cachingHost(options), ...(oldProgram ? { oldProgram } : {}) });
  previous.set(key, program);
  return program;
}
