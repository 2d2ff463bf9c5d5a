import { expect, it } from 'vitest';
import { runDemo } from '../src/demo.js';

it('the quickstart round-trips a full state and two patches, and the replica matches the server', () => {
  const lines: string[] = [];
  const result = runDemo((l) => lines.push(l));
  expect(result.ok).toBe(true);
  expect(result.changed).toBe(2);
  expect(lines).toContain('  entity 1: x, y, heading');
  expect(lines).toContain('  entity 2: hp, weapon, badges');
  // The patch of a tick where three players' fields change is far smaller than the full state.
  expect(result.patchBytes[0]).toBeLessThan(result.fullBytes / 3);
});
