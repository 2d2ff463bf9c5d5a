// `pnpm bench:bundle`: the browser bundle of the same small client program with Colyseus's client
// SDKs, built by Vite in a temporary npm project, raw and gzip (level 9). netschema's side is
// measured by test/packaging/install.test.ts (a client built from the packed tarballs), which
// writes test/packaging/.out/bundle-size.json; this prints it beside Colyseus's when present.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const VITE = '8.3.8';
const SDKS = { '@colyseus/sdk': '0.18.4', 'colyseus.js': '0.16.22' };
const program = readFileSync(join(here, '../src/bundle-size/colyseus-client.js'), 'utf8');

const dir = mkdtempSync(join(tmpdir(), 'netschema-bundle-'));
try {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bundle-size', private: true, type: 'module', dependencies: { ...SDKS, vite: VITE } }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, stdio: 'pipe' });
  const rows = [];
  for (const [sdk, version] of Object.entries(SDKS)) {
    const app = join(dir, sdk.replace(/[@/]/g, '_'));
    mkdirSync(app);
    writeFileSync(join(app, 'main.js'), program.replace('COLYSEUS_SDK', sdk));
    writeFileSync(join(app, 'index.html'), '<!doctype html><body></body><script type="module" src="./main.js"></script>\n');
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: app, stdio: 'pipe' });
    const assets = join(app, 'dist/assets');
    const js = readFileSync(join(assets, readdirSync(assets).find((f) => f.endsWith('.js'))));
    rows.push({ client: `${sdk} ${version}`, bytes: js.length, gzip: gzipSync(js, { level: 9 }).length });
  }
  const ours = join(here, '../../test/packaging/.out/bundle-size.json');
  if (existsSync(ours)) {
    const n = JSON.parse(readFileSync(ours, 'utf8'));
    rows.unshift({ client: 'netschema (generated codecs + @netschema/runtime/client)', bytes: n.bytes, gzip: n.gzip });
  } else {
    console.log('(run `pnpm exec vitest run test/packaging` first for netschema\'s size)');
  }
  console.log(`Vite ${VITE}, gzip level 9`);
  for (const r of rows) console.log(`${r.client.padEnd(58)} ${String(r.bytes).padStart(8)} B  ${String(r.gzip).padStart(7)} B gzip`);
  console.log(JSON.stringify({ bench: 'bundle', vite: VITE, rows }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
