import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), 'utf8');

describe('the transport-uws reference (docs/server.md and the package README)', () => {
  it('names every export of @netschema/transport-uws', () => {
    const names = new Set<string>();
    for (const m of read('../src/index.ts').matchAll(/export (?:type )?\{([^}]*)\}/g)) {
      for (const part of m[1]!.split(',')) {
        const name = part.trim().replace(/^type /, '');
        if (name) names.add(name);
      }
    }
    expect(names.size).toBeGreaterThan(15);
    const docs = read('../../../docs/server.md') + read('../README.md');
    expect([...names].filter((n) => !new RegExp(`\\b${n}\\b`).test(docs))).toEqual([]);
  });
});
