// `@netschema/runtime/client` is what browsers bundle: it must reach no Node built-in (a browser
// bundler would fail or polyfill it) and no decorator or change-tracking module (they carry the
// TC39 decorator code Vite 8 does not lower, facts.md, and server-only weight). Checked on the
// module graph esbuild follows for a browser bundle, from the sources, so it needs no build; the
// install test checks the same on the Vite bundle of the built tarball.
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO } from '@netschema/test-fixtures/support/packed';

const RUNTIME_SRC = join(REPO, 'packages/runtime/src');
const BUILTINS = new Set(builtinModules);

/** Modules that exist for decorated, tracked server-side classes. */
const SERVER_ONLY = /^(schema\/(decorators|metadata-polyfill)|tracking\/)/;

async function browserGraph(entry: string): Promise<{ modules: string[]; builtins: string[] }> {
  const builtins: string[] = [];
  // Record a built-in instead of failing on it, so the assertion names every one that is reached.
  const recordBuiltins: Plugin = {
    name: 'record-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/^node:/, '').split('/')[0]!;
        if (args.path.startsWith('node:') || BUILTINS.has(bare)) {
          builtins.push(`${args.path} (from ${relative(RUNTIME_SRC, args.importer)})`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
  const result = await build({
    entryPoints: [join(RUNTIME_SRC, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['source'],
    logLevel: 'silent',
    plugins: [recordBuiltins],
  });
  const modules = Object.keys(result.metafile.inputs).map((p) => relative(RUNTIME_SRC, join(REPO, p)));
  return { modules, builtins };
}

describe('@netschema/runtime/client, bundled for a browser', () => {
  it('reaches no Node built-in and no decorator or tracking module', async () => {
    const { modules, builtins } = await browserGraph('client.ts');
    expect(modules).toContain('net/connection.ts');
    expect(builtins).toEqual([]);
    expect(modules.filter((m) => SERVER_ONLY.test(m))).toEqual([]);
  });

  it('the check sees them when they are reached: the full entry pulls in the decorators', async () => {
    const { modules } = await browserGraph('index.ts');
    expect(modules.filter((m) => SERVER_ONLY.test(m))).toEqual(expect.arrayContaining(['schema/decorators.ts', 'schema/metadata-polyfill.ts']));
  });
});
