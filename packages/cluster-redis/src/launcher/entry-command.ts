// How a node runs the user's entry: `node <entry>`, or `node --import tsx <entry>` for a
// TypeScript entry, with tsx taken from the user's project (not from this package).
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './args.js';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);

/** The `node` arguments for one node: extra flags, the tsx loader when needed, the entry, its arguments. */
export function entryCommand(entry: string, entryArgs: readonly string[], nodeArgs: readonly string[], cwd: string): string[] {
  const loader = TYPESCRIPT.has(extname(entry)) ? ['--import', findTsx(entry, cwd)] : [];
  return [...nodeArgs, ...loader, entry, ...entryArgs];
}

/** tsx's loader as a file URL, resolved from the entry's folder, else from the working directory. */
function findTsx(entry: string, cwd: string): string {
  for (const from of [dirname(entry), cwd]) {
    try {
      return pathToFileURL(createRequire(join(from, 'noop.js')).resolve('tsx')).href;
    } catch {
      // Not installed there: try the next place.
    }
  }
  throw new UsageError(
    `<entry>: ${entry} is TypeScript, which runs through tsx, but tsx is not installed in your project ` +
      `(looked from ${dirname(entry)} and ${cwd}). Install it (npm install -D tsx) or build the entry to JavaScript and pass the .js file.`,
  );
}
