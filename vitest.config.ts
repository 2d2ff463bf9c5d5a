import { transform } from 'esbuild';
import { defineConfig, type Plugin } from 'vitest/config';

// Vite 8 transforms TypeScript with Oxc, which lowers only legacy decorators (facts.md), so test
// files run through esbuild instead: TC39 decorators by default, legacy ones in `*.legacy.ts`.
function esbuildTypeScript(): Plugin {
  return {
    name: 'netschema:esbuild-ts',
    enforce: 'pre',
    async transform(code, id) {
      const file = id.split('?')[0]!;
      if (!file.endsWith('.ts') || file.includes('/node_modules/')) return null;
      const legacy = file.endsWith('.legacy.ts');
      const out = await transform(code, {
        loader: 'ts',
        target: 'es2022',
        sourcefile: file,
        sourcemap: true,
        tsconfigRaw: {
          compilerOptions: legacy
            ? { experimentalDecorators: true, useDefineForClassFields: false, verbatimModuleSyntax: true }
            : { useDefineForClassFields: true, verbatimModuleSyntax: true },
        },
      });
      return { code: out.code, map: out.map };
    },
  };
}

export default defineConfig({
  oxc: false,
  plugins: [esbuildTypeScript()],
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // A test fails when it writes to console.error or console.warn without spying on it first.
    setupFiles: ['./test/setup/fail-on-console.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
