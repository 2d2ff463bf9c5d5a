#!/usr/bin/env node
// Builds the tsc variant of the benchmark into bench/dist:
//   dist/bench/src/**            the benchmark, compiled by tsc
//   dist/packages/{runtime,transport-uws}/src/** the packages' sources, compiled by tsc
//   dist/test/fixtures/schemas/**  the shared schema fixtures (the arena schema), compiled by tsc
//   dist/node_modules/@netschema/<name> -> ../../packages/<name> (../../test/fixtures for
//     test-fixtures), with a package.json whose
//     exports point at the compiled files, so `import '@netschema/runtime'` in dist resolves to
//     tsc output by Node's ordinary lookup (no loader hooks, no import rewriting).
// @colyseus/schema resolves from bench/node_modules as usual (it ships built JS).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const bench = path.resolve(import.meta.dirname, '..');
const dist = path.join(bench, 'dist');
rmSync(dist, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// --noCheck: emit only. Type errors are the repo typecheck's business (`pnpm typecheck`), and a
// half-finished edit elsewhere in the runtime should not stop the benchmark from building.
const r = spawnSync(process.execPath, [tsc, '-p', path.join(bench, 'tsconfig.tsc.json'), '--noCheck'], { stdio: 'inherit' });
if (r.status !== 0) {
  console.error('build-tsc: tsc failed');
  process.exit(r.status ?? 1);
}

// Map each package's exports onto its compiled files. The test fixtures package is there for the
// arena schema, which the bench shares with the tests (@netschema/test-fixtures/schemas/arena).
mkdirSync(path.join(dist, 'node_modules', '@netschema'), { recursive: true });
for (const [name, dir] of [['runtime', 'packages/runtime'], ['transport-uws', 'packages/transport-uws'], ['test-fixtures', 'test/fixtures']]) {
  const pkg = JSON.parse(readFileSync(path.join(bench, '..', dir, 'package.json'), 'utf8'));
  const exportsMap = {};
  for (const [sub, cond] of Object.entries(pkg.exports)) {
    const src = typeof cond === 'string' ? cond : cond.source;
    exportsMap[sub] = src.replace(/\.ts$/, '.js');
  }
  writeFileSync(
    path.join(dist, dir, 'package.json'),
    JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', exports: exportsMap }, null, 2) + '\n',
  );
  symlinkSync(path.join('..', '..', dir), path.join(dist, 'node_modules', '@netschema', name), 'dir');
}
// The transport's native dependency resolves from its own package, as in the workspace.
symlinkSync(path.join(bench, '..', 'packages', 'transport-uws', 'node_modules', 'uWebSockets.js'), path.join(dist, 'node_modules', 'uWebSockets.js'), 'dir');
console.error('build-tsc: compiled bench, @netschema/runtime, @netschema/transport-uws and the test fixtures into bench/dist');
