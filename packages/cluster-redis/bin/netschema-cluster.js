#!/usr/bin/env node
// `netschema-cluster`: runs a server entry as N cluster nodes (see src/launcher/).
// Installed from npm, the package holds only the built launcher (dist/), which runs under plain
// node. In this repository the sources sit beside it and win over a possibly stale build: they
// run through tsx (a dev dependency), so contributors never need a build step.
import { existsSync } from 'node:fs';
import { register as registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = fileURLToPath(new URL('../src/launcher/main.ts', import.meta.url));
if (!existsSync(source)) {
  await import(pathToFileURL(fileURLToPath(new URL('../dist/launcher/main.js', import.meta.url))).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  // Unbuilt workspace packages export their sources under the `source` condition only (their
  // `default` points at dist/), so resolve with it, as `node --conditions=source` would.
  const addSource =
    'export async function resolve(s, c, next) {' +
    " return next(s, c.conditions.includes('source') ? c : { ...c, conditions: [...c.conditions, 'source'] }); }";
  registerHooks(`data:text/javascript,${encodeURIComponent(addSource)}`);
  await import(pathToFileURL(source).href);
}
