import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { transform } from 'esbuild';
import ts from 'typescript';

export type Compiler = 'tsc' | 'esbuild';
export type Dialect = 'standard' | 'legacy';

export interface Variant {
  compiler: Compiler;
  dialect: Dialect;
  /** Class fields with [[Define]] semantics (the ES2022 default). */
  defineFields: boolean;
}

const dir = path.join(import.meta.dirname, `.tmp-${process.pid}`);

/**
 * Compiles a TypeScript module the way a user's build would (tsc or esbuild, standard or legacy
 * decorators) and imports it, so decorator behaviour is tested under each real toolchain.
 */
export async function compileAndImport(source: string, v: Variant): Promise<Record<string, unknown>> {
  const options = {
    experimentalDecorators: v.dialect === 'legacy',
    useDefineForClassFields: v.defineFields,
  };
  let js: string;
  if (v.compiler === 'tsc') {
    js = ts.transpileModule(source, {
      compilerOptions: { ...options, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    }).outputText;
  } else {
    js = (await transform(source, { loader: 'ts', target: 'es2022', format: 'esm', tsconfigRaw: { compilerOptions: options } })).code;
  }
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `m${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, js);
  return (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
}

export function cleanCompiled(): void {
  rmSync(dir, { recursive: true, force: true });
}

export const VARIANTS: Variant[] = [
  { compiler: 'tsc', dialect: 'standard', defineFields: true },
  { compiler: 'esbuild', dialect: 'standard', defineFields: true },
  { compiler: 'tsc', dialect: 'legacy', defineFields: false },
  { compiler: 'esbuild', dialect: 'legacy', defineFields: false },
];

export const label = (v: Variant) => `${v.compiler}, ${v.dialect} decorators${v.defineFields ? '' : ', useDefineForClassFields false'}`;
