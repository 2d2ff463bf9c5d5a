// Bundles the browser client with esbuild: src/client/main.ts → <outdir>/app.js, plus index.html.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface BuiltClient {
  outdir: string;
  /** Bytes of app.js. */
  bytes: number;
  /** Source files in the bundle, relative to the repository root. */
  inputs: string[];
}

/**
 * Builds the page into `outdir`. The bundle may import only decorator-free code (the generated
 * module, '@netschema/runtime/client', the shared rules): it fails if a decorated file slips in.
 */
export async function buildClient(outdir: string): Promise<BuiltClient> {
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: [join(SRC, 'client', 'main.ts')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Workspace packages resolve to their TypeScript sources, as in the tests.
    conditions: ['source'],
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
  });
  copyFileSync(join(SRC, 'client', 'index.html'), join(outdir, 'index.html'));
  const root = resolve(SRC, '..', '..', '..');
  const inputs = Object.keys(result.metafile.inputs).map((f) => relative(root, resolve(f)));
  const decorated = inputs.filter((f) => f.endsWith('/schema/decorators.ts') || f === 'examples/arena/src/state.ts');
  if (decorated.length > 0) throw new Error(`the browser bundle must not import decorated classes, but it includes ${decorated.join(', ')}`);
  const out = result.metafile.outputs[relative(process.cwd(), join(outdir, 'app.js'))];
  return { outdir, bytes: out?.bytes ?? 0, inputs };
}
