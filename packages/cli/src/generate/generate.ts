import { resolve } from 'node:path';
import { normalizeDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { emitModule } from '../emit/emit-module.js';
import { readSchemas } from '../read-schema.js';
import { UsageError } from '../usage-error.js';
import { TOOL_VERSION } from '../version.js';
import { findConfig } from './find-config.js';
import { importSpecifier, outputPaths } from './output-paths.js';
import { resolveInputs } from './resolve-inputs.js';
import { readIfExists, writeIfChanged } from './write-if-changed.js';

export interface GenerateOptions {
  /** Schema files or globs, relative to `cwd`. Without them, the config's `schemas` are used. */
  readonly files?: readonly string[];
  /** Directory paths are relative to and the config search starts from (default: process.cwd()). */
  readonly cwd?: string;
  /** Generate in memory and compare with the files on disk instead of writing. */
  readonly check?: boolean;
  /** Write outputs here (relative to `cwd`) instead of beside each schema file. */
  readonly outDir?: string;
}

export interface GenerateResult {
  /** Schema problems in all files read, sorted; a file with problems gets no output. */
  readonly diagnostics: readonly Diagnostic[];
  /** Output files written because their content changed (absolute paths). */
  readonly written: readonly string[];
  /** With `check`: output files that are missing or differ from what would be generated. */
  readonly stale: readonly string[];
  /** Output files already up to date. */
  readonly unchanged: readonly string[];
  /** The schema files read (absolute). */
  readonly schemas: readonly string[];
  /** Every file the outputs depend on: schema files, files they import classes or enums from, the config. */
  readonly inputs: readonly string[];
}

/**
 * Reads the schema files, validates them and writes (or, with `check`, compares) one generated
 * module and one manifest per schema file. Throws UsageError for invocation problems (missing
 * files, nothing matched, no config); schema problems come back as diagnostics.
 */
export async function generate(options: GenerateOptions = {}): Promise<GenerateResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  let schemas: string[];
  let outDir = options.outDir === undefined ? undefined : resolve(cwd, options.outDir);
  const extraInputs: string[] = [];
  if (options.files !== undefined && options.files.length > 0) {
    schemas = await resolveInputs(options.files, cwd);
  } else {
    const config = findConfig(cwd);
    if (config === undefined) {
      throw new UsageError(
        `no schema files given and no netschema config found from ${cwd} upwards; pass files (netschema generate src/state.ts) ` +
          'or add "netschema": { "schemas": ["src/state.ts"] } to package.json (or a netschema.config.json)',
      );
    }
    schemas = await resolveInputs(config.schemas, config.dir);
    outDir ??= config.outDir === undefined ? undefined : resolve(config.dir, config.outDir);
    extraInputs.push(config.file);
  }
  if (schemas.length === 0) throw new UsageError('no schema files to generate from');

  const paths = outputPaths(schemas, outDir);
  const diagnostics: Diagnostic[] = [];
  const written: string[] = [];
  const stale: string[] = [];
  const unchanged: string[] = [];
  const inputs = new Set<string>(extraInputs);
  for (const result of readSchemas(schemas)) {
    diagnostics.push(...result.diagnostics);
    for (const f of result.inputFiles) inputs.add(f);
    if (result.ir === null) continue;
    const out = paths.get(result.file)!;
    const emitted = emitModule(result.ir, {
      outFile: out.code,
      sourceImport: (source) => importSpecifier(out.code, source),
      toolVersion: TOOL_VERSION,
    });
    for (const [file, content] of [[out.code, emitted.code], [out.manifest, emitted.manifest]] as const) {
      if (options.check === true) (readIfExists(file) === content ? unchanged : stale).push(file);
      else (writeIfChanged(file, content) ? written : unchanged).push(file);
    }
  }
  return { diagnostics: normalizeDiagnostics(diagnostics), written, stale, unchanged, schemas, inputs: [...inputs].sort() };
}
