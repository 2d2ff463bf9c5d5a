// Vitest setup file (vitest.config.ts `setupFiles`): a test fails when it writes to console.error
// or console.warn without saying so. Stray output is how a swallowed error or a broken assumption
// shows itself, and a passing run should print nothing a reader has to judge.
//
// A test that expects output says so by spying, which replaces the console method for its
// duration, for example:
//   const error = vi.spyOn(console, 'error').mockImplementation(() => {});
//   ...
//   expect(error).toHaveBeenCalledWith(expect.stringContaining('handler failure'));
// A spy that calls through (no mockImplementation) still reaches this guard, and still fails.
//
// The guard assigns the methods directly, not through vi.spyOn, so a test's vi.restoreAllMocks()
// puts the guard back rather than removing it. Output written outside any test (in beforeAll or
// afterAll, or by a timer that outlives its test) fails the file in afterAll.
import { afterAll, afterEach } from 'vitest';
import { format } from 'node:util';

type Level = 'error' | 'warn';
const LEVELS: readonly Level[] = ['error', 'warn'];

const original = { error: console.error, warn: console.warn };
let written: string[] = [];

for (const level of LEVELS) {
  console[level] = (...args: unknown[]) => {
    written.push(`console.${level}: ${format(...args)}`);
    original[level](...args); // still printed, so the failure shows what was written
  };
}

function takeWritten(): string[] {
  const out = written;
  written = [];
  return out;
}

function unexpected(where: string, lines: string[]): Error {
  return new Error(
    `${where} wrote to the console without expecting it (spy on console.error / console.warn ` +
      `to expect output):\n${lines.map((l) => `  ${l}`).join('\n')}`,
  );
}

afterEach(() => {
  const lines = takeWritten();
  if (lines.length > 0) throw unexpected('this test', lines);
});

afterAll(() => {
  const lines = takeWritten();
  for (const level of LEVELS) console[level] = original[level];
  if (lines.length > 0) throw unexpected('this file (outside its tests)', lines);
});
