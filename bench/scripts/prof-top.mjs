#!/usr/bin/env node
// Prints the functions with the most self time in a V8 .cpuprofile (from `node --cpu-prof`).
//   node scripts/prof-top.mjs <file.cpuprofile> [count=25]
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [file, countArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node scripts/prof-top.mjs <file.cpuprofile> [count]');
  process.exit(2);
}
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
// timeDeltas[i] is the time before samples[i] was taken.
for (let i = 0; i < prof.samples.length; i++) {
  const n = byId.get(prof.samples[i]);
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${f.url ? path.basename(f.url) : ''}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 25));
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
for (const [k, us] of rows) console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
