import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../usage-error.js';

/** Where schema files are listed when `netschema generate` gets no file arguments. */
export interface NetschemaConfig {
  /** The config file: a package.json with a `netschema` key, or a netschema.config.json. */
  readonly file: string;
  /** Directory globs and outDir are relative to. */
  readonly dir: string;
  readonly schemas: readonly string[];
  readonly outDir?: string;
}

/**
 * Walks up from `cwd` to the nearest directory with a netschema.config.json or a package.json
 * that has a `netschema` key (a package.json without one does not stop the walk, so a package
 * inside a workspace finds the workspace's config).
 */
export function findConfig(cwd: string): NetschemaConfig | undefined {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const own = join(dir, 'netschema.config.json');
    if (existsSync(own)) return parseConfig(own, readJson(own));
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const json = readJson(pkg) as { netschema?: unknown };
      if (json !== null && typeof json === 'object' && json.netschema !== undefined) return parseConfig(pkg, json.netschema);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

function parseConfig(file: string, value: unknown): NetschemaConfig {
  const where = file.endsWith('package.json') ? `"netschema" in ${file}` : file;
  if (value === null || typeof value !== 'object') throw new UsageError(`${where} must be an object like { "schemas": ["src/state.ts"] }`);
  const { schemas, outDir } = value as { schemas?: unknown; outDir?: unknown };
  if (!Array.isArray(schemas) || schemas.length === 0 || !schemas.every((s) => typeof s === 'string')) {
    throw new UsageError(`${where} needs "schemas": a non-empty list of files or globs, like ["src/state.ts"]`);
  }
  if (outDir !== undefined && typeof outDir !== 'string') throw new UsageError(`${where}: "outDir" must be a string`);
  return { file, dir: dirname(file), schemas: schemas as string[], ...(outDir === undefined ? {} : { outDir }) };
}
