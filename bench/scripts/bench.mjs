#!/usr/bin/env node
// `pnpm bench`: regenerates the arena codecs, then runs the arena benchmark twice, compiled by
// tsx (esbuild) and by tsc, forwarding every argument (filter regex, --runs, --ticks, ...) to
// both. `--variant tsx` or `--variant tsc` runs one of them. Each run prints its own table and
// JSON line; the last line printed here is one JSON object: the tsx run's keys as they are, the
// tsc run's keys prefixed with `tsc_`, and `verified` true only if both runs verified.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

const bench = path.resolve(import.meta.dirname, '..');

let args = process.argv.slice(2);
if (args[0] === '--') args.shift(); // `pnpm bench -- x` passes the `--` through
let variants = ['tsx', 'tsc'];
const at = args.findIndex((a) => a === '--variant' || a.startsWith('--variant='));
if (at >= 0) {
  const v = args[at].includes('=') ? args[at].split('=')[1] : args[at + 1];
  if (v !== 'tsx' && v !== 'tsc' && v !== 'both') {
    console.error(`bench: --variant expects tsx, tsc or both, got '${v}'`);
    process.exit(2);
  }
  variants = v === 'both' ? variants : [v];
  args = args.filter((_, i) => i !== at && !(i === at + 1 && !args[at].includes('=')));
}
const help = args.includes('-h') || args.includes('--help');

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: bench, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Runs one variant, passing its output through; resolves with its last line parsed as JSON. */
function measure(argv) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: bench, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      out += d;
    });
    child.on('close', (code) => {
      const last = out.trimEnd().split('\n').pop() ?? '';
      let json = null;
      try {
        json = JSON.parse(last);
      } catch {
        // --help, or a failed run: no JSON line.
      }
      resolve({ code, json });
    });
  });
}

if (!help) {
  // Keep the generated codecs fresh (the repo's `netschema generate --check` also checks them).
  run(process.execPath, [path.join(bench, 'node_modules', '@netschema', 'cli', 'bin', 'netschema.js'), 'generate', '../test/fixtures/schemas/arena.ts']);
}

const results = {};
let failed = false;
for (const v of variants) {
  if (v === 'tsx') {
    console.log('\n── arena, compiled by tsx (esbuild) ──');
    // `--import tsx` (resolved from bench/) is the tsx loader, as `tsx src/arena.ts` uses.
    results.tsx = await measure(['--conditions=source', '--import', 'tsx', 'src/arena.ts', ...args]);
  } else {
    console.log('\n── arena, compiled by tsc ──');
    run(process.execPath, ['scripts/build-tsc.mjs']);
    results.tsc = await measure(['dist/bench/src/arena.js', ...args]);
  }
  if (help) break;
  if (results[v].code !== 0) failed = true;
}
if (help) {
  console.log('\n  --variant V       bench.mjs only: tsx, tsc or both (default both)');
  process.exit(0);
}

const META = new Set(['bench', 'compiler', 'node', 'entities', 'moved_per_tick', 'runs', 'ticks']); // not repeated for tsc
const combined = {};
let verified = !failed;
for (const [v, r] of Object.entries(results)) {
  if (r.json === null) {
    verified = false;
    continue;
  }
  // With both variants, the tsx run's keys stay as they are and the tsc run's get a `tsc_` prefix.
  const prefix = v === 'tsc' && variants.length > 1 ? 'tsc_' : '';
  for (const [k, val] of Object.entries(r.json)) {
    if (k === 'verified') verified &&= val === true;
    else if (prefix === '' || !META.has(k)) combined[prefix + k] = val;
  }
}
if (variants.length > 1) combined.compiler = variants.join('+');
combined.verified = verified;
console.log(JSON.stringify(combined));
process.exitCode = verified ? 0 : 1;
