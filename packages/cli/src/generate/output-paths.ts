import { basename, dirname, join, relative, sep } from 'node:path';

export interface OutputPaths {
  /** The generated module: `state.ts` → `state.netschema.ts`. */
  readonly code: string;
  /** The manifest beside it: `state.netschema.json`. */
  readonly manifest: string;
}

const SOURCE_EXT = /\.(ts|mts|cts|tsx)$/;

/**
 * Output files for each schema file. Beside the source by default; with `outDir`, the layout
 * below the inputs' common directory is kept (as tsc does with rootDir), so two `state.ts` in
 * different folders do not overwrite each other.
 */
export function outputPaths(files: readonly string[], outDir: string | undefined): Map<string, OutputPaths> {
  const root = outDir === undefined ? undefined : commonDir(files.map((f) => dirname(f)));
  const out = new Map<string, OutputPaths>();
  for (const file of files) {
    const stem = basename(file).replace(SOURCE_EXT, '');
    const dir = outDir === undefined || root === undefined ? dirname(file) : join(outDir, relative(root, dirname(file)));
    out.set(file, { code: join(dir, `${stem}.netschema.ts`), manifest: join(dir, `${stem}.netschema.json`) });
  }
  return out;
}

function commonDir(dirs: readonly string[]): string | undefined {
  if (dirs.length === 0) return undefined;
  let parts = dirs[0]!.split(sep);
  for (const d of dirs.slice(1)) {
    const other = d.split(sep);
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(sep) || sep;
}

/** Import specifier of `sourceFile` from the generated module `outFile`: relative, POSIX, `.js`. */
export function importSpecifier(outFile: string, sourceFile: string): string {
  const rel = relative(dirname(outFile), sourceFile).split(sep).join('/');
  const js = rel.replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs').replace(/\.tsx$/, '.js');
  return js.startsWith('.') ? js : `./${js}`;
}
