import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from '../usage-error.js';

/** Generated files and dependencies are never schema inputs. */
export const IGNORED = ['**/node_modules/**', '**/*.netschema.ts'];

/**
 * Turns file names and globs into absolute, sorted, de-duplicated schema files. A plain path
 * must exist; a glob must match something: either mistake is a usage error naming the pattern
 * and the directory it was resolved in.
 */
export async function resolveInputs(patterns: readonly string[], baseDir: string): Promise<string[]> {
  const out = new Set<string>();
  for (const pattern of patterns) {
    if (isDynamicPattern(pattern)) {
      const matches = await glob(pattern, { cwd: baseDir, absolute: true, ignore: IGNORED, onlyFiles: true });
      if (matches.length === 0) throw new UsageError(`no files matched ${pattern} (in ${baseDir})`);
      for (const m of matches) out.add(resolve(m));
    } else {
      const file = resolve(baseDir, pattern);
      if (!existsSync(file)) throw new UsageError(`file not found: ${pattern} (looked for ${file})`);
      if (!statSync(file).isFile()) throw new UsageError(`not a file: ${pattern} (${file})`);
      if (file.endsWith('.netschema.ts')) throw new UsageError(`${pattern} is a generated file; pass the schema source instead`);
      out.add(file);
    }
  }
  return [...out].sort();
}
