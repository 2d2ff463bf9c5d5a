import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/cli/test: temp dirs live here so `@netschema/runtime` resolves from them. */
export const TEST_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const CLI_BIN = join(TEST_DIR, '..', 'bin', 'netschema.js');
export const FIXTURES = join(TEST_DIR, 'fixtures');

export interface TempDir {
  readonly path: string;
  write(rel: string, content: string): string;
  remove(): void;
}

/** A fresh directory under packages/cli/test/.tmp-<random>/, removed by `remove()`. */
export function makeTempDir(): TempDir {
  const path = join(TEST_DIR, `.tmp-${randomBytes(6).toString('hex')}`);
  mkdirSync(path, { recursive: true });
  return {
    path,
    write(rel, content) {
      const file = join(path, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}
