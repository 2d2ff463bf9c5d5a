import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The file's content, or undefined when it does not exist. */
export function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * Writes only when the content differs, so unchanged output keeps its mtime and watchers and
 * build tools do not churn. Returns whether it wrote.
 */
export function writeIfChanged(file: string, content: string): boolean {
  if (readIfExists(file) === content) return false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  return true;
}
