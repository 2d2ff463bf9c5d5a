#!/usr/bin/env node
// Runs the built CLI when there is one; in the workspace, runs the TypeScript sources through tsx
// so contributors never need a build step.
import { existsSync } from 'node:fs';
import { register as registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../dist/main.js', import.meta.url));
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  // Unbuilt workspace packages export their sources under the `source` condition only (their
  // `default` points at dist/), so resolve with it, as `node --conditions=source` would.
  const addSource =
    'export async function resolve(s, c, next) {' +
    " return next(s, c.conditions.includes('source') ? c : { ...c, conditions: [...c.conditions, 'source'] }); }";
  registerHooks(`data:text/javascript,${encodeURIComponent(addSource)}`);
  await import(new URL('../src/main.ts', import.meta.url).href);
}
