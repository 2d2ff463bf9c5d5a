import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as runtime from '../src/index.js';

const src = (f: string) => readFileSync(new URL(`../src/${f}`, import.meta.url), 'utf8');

/** Every name the entry exports: values at run time, plus types read from the export statements. */
function exportedNames(): string[] {
  const names = new Set(Object.keys(runtime));
  for (const m of src('index.ts').matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().replace(/^type /, '');
      if (name) names.add(name);
    }
  }
  for (const file of ['schema/decorators.ts', 'protocol/messages.ts']) {
    for (const m of src(file).matchAll(/^export (?:interface|type|const|function|class) (\w+)/gm)) names.add(m[1]!);
  }
  return [...names].sort();
}

describe('packages/runtime/README.md, the reference page', () => {
  it('names every export of @netschema/runtime', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const missing = exportedNames().filter((n) => !new RegExp(`\\b${n.replace('$', '\\$')}\\b`).test(readme));
    expect(missing).toEqual([]);
  });

  it('the client entry exports only what the page lists under the client, the wire and the protocol', async () => {
    const client = await import('../src/client.js');
    for (const name of Object.keys(client)) expect(Object.keys(runtime), name).toContain(name);
  });
});
