#!/usr/bin/env node
// Prints the functions with the most self time in a V8 .cpuprofile (from `node --cpu-prof`).
//   node scripts/prof-top.mjs <file.cpuprofile> [count=25] [--lines N]
// Locations are mapped back to the TypeScript sources through the compiled files' source maps
// when they have one next to them (`file.js.map`: the tsc variant in bench/dist); the tsx variant
// compiles each module onto one line, so profile it through the tsc build for line numbers.
// `--lines N` also lists each function's N hottest lines (V8's per-line ticks), mapped likewise.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let lines = 0;
const at = args.indexOf('--lines');
if (at >= 0) {
  lines = Number(args[at + 1] ?? 3);
  args.splice(at, 2);
}
const [file, countArg] = args;
if (file === undefined) {
  console.error('usage: node scripts/prof-top.mjs <file.cpuprofile> [count] [--lines N]');
  process.exit(2);
}
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));

const maps = new Map();
/** The source map of a compiled file, or null. */
function mapOf(url) {
  if (!maps.has(url)) {
    let m = null;
    try {
      const p = url.startsWith('file:') ? fileURLToPath(url) : url;
      if (existsSync(`${p}.map`)) m = { map: new SourceMap(JSON.parse(readFileSync(`${p}.map`, 'utf8'))), dir: path.dirname(p) };
    } catch {
      m = null;
    }
    maps.set(url, m);
  }
  return maps.get(url);
}
const texts = new Map();
/** The column of the first non-blank character of a compiled file's 0-based line. */
function firstColumn(url, line0) {
  if (!texts.has(url)) {
    let t = null;
    try {
      t = readFileSync(url.startsWith('file:') ? fileURLToPath(url) : url, 'utf8').split('\n');
    } catch {
      t = null;
    }
    texts.set(url, t);
  }
  const line = texts.get(url)?.[line0];
  return line === undefined ? 0 : Math.max(0, line.search(/\S/));
}
/** `file:line` (1-based) of a 0-based line and column of a compiled file, through its source map. */
function where(url, line0, col0) {
  const m = mapOf(url);
  if (m) {
    const e = m.map.findEntry(line0, Math.max(0, col0));
    if (e && e.originalSource) {
      const src = e.originalSource.startsWith('file:') ? fileURLToPath(e.originalSource) : path.resolve(m.dir, e.originalSource);
      return `${path.basename(src)}:${e.originalLine + 1}`;
    }
  }
  return `${url ? path.basename(url) : ''}:${line0 + 1}`;
}

const self = new Map();
const nodeTime = new Map();
// timeDeltas[i] is the time before samples[i] was taken.
for (let i = 0; i < prof.samples.length; i++) {
  const n = byId.get(prof.samples[i]);
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${where(f.url, f.lineNumber, f.columnNumber)}`;
  self.set(key, (self.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
  nodeTime.set(n, (nodeTime.get(n) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
// Per-line ticks of every function, merged over its nodes (one per call path).
const lineTicks = new Map();
for (const n of prof.nodes) {
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${where(f.url, f.lineNumber, f.columnNumber)}`;
  const acc = lineTicks.get(key) ?? new Map();
  for (const pt of n.positionTicks ?? []) {
    // positionTicks lines are 1-based; map the line's first statement column.
    const loc = where(f.url, pt.line - 1, mapOf(f.url) ? firstColumn(f.url, pt.line - 1) : 0);
    acc.set(loc, (acc.get(loc) ?? 0) + pt.ticks);
  }
  lineTicks.set(key, acc);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 25));
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
for (const [k, us] of rows) {
  console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
  if (lines > 0) {
    const acc = lineTicks.get(k);
    if (!acc || acc.size === 0) continue;
    const all = [...acc.values()].reduce((a, b) => a + b, 0);
    for (const [loc, ticks] of [...acc.entries()].sort((a, b) => b[1] - a[1]).slice(0, lines)) {
      console.log(`${''.padStart(25)}${((100 * ticks) / all).toFixed(0).padStart(3)}% of its ticks at ${loc}`);
    }
  }
}
