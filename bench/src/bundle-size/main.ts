// `pnpm bench:bundle`: the browser bundle of one small client program (join a room, show a
// player's name and position whenever it changes), built by Vite for production, with netschema's
// client and with Colyseus's client SDKs. Everything is installed with npm into one temporary
// project outside the repository, netschema from its packed tarballs (as test/packaging does),
// so the sizes are what a user's bundle gets. Sizes are exact (one build each); gzip at level 9.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { npm, packWorkspace, tarballOverrides } from '@netschema/test-fixtures/support/packed';
import { BROWSER_CLIENT, INDEX_HTML, SCHEMA, VITE } from '@netschema/test-fixtures/game-fixture';

// Colyseus's SDKs are installed here rather than as bench dependencies: the measurement is of
// the published package an npm user gets, and the repository's own install stays lean.
// @colyseus/sdk goes with @colyseus/schema 5 (the peer the other benches measure); colyseus.js
// 0.16 is the SDK most Colyseus games still ship.
const COLYSEUS_SDKS = { '@colyseus/sdk': '0.18.4', 'colyseus.js': '0.16.22' } as const;
const COLYSEUS_CLIENT = readFileSync(new URL('./colyseus-client.js', import.meta.url), 'utf8');

interface Row {
  client: string;
  bytes: number;
  gzip: number;
}

function viteBuild(app: string, client: string): Row {
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: app, stdio: 'pipe' });
  const assets = join(app, 'dist/assets');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  if (js.length !== 1) throw new Error(`expected one JavaScript asset in ${assets}, got ${js.length}: ${js.join(', ')}`);
  const code = readFileSync(join(assets, js[0]!));
  return { client, bytes: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

const tarballs = await packWorkspace();
const dir = mkdtempSync(join(tmpdir(), 'netschema-bundle-'));
try {
  const runtimeVersion = (JSON.parse(readFileSync(new URL('../../../packages/runtime/package.json', import.meta.url), 'utf8')) as { version: string }).version;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'bundle-size',
      private: true,
      type: 'module',
      dependencies: { '@netschema/runtime': `file:${tarballs['@netschema/runtime']!}`, ...COLYSEUS_SDKS },
      devDependencies: { '@netschema/cli': `file:${tarballs['@netschema/cli']!}`, typescript: '5.9.3', vite: VITE },
      overrides: tarballOverrides(tarballs),
    }),
  );
  npm(dir, ['install', '--prefer-offline']);

  const rows: Row[] = [];
  const ours = join(dir, 'netschema');
  mkdirSync(join(ours, 'src'), { recursive: true });
  writeFileSync(join(ours, 'src/state.ts'), SCHEMA);
  writeFileSync(join(ours, 'src/browser.ts'), BROWSER_CLIENT);
  writeFileSync(join(ours, 'index.html'), INDEX_HTML);
  execFileSync('npx', ['netschema', 'generate', 'netschema/src/state.ts'], { cwd: dir, stdio: 'pipe' });
  rows.push(viteBuild(ours, `netschema ${runtimeVersion} (generated codecs + @netschema/runtime/client)`));

  for (const [sdk, version] of Object.entries(COLYSEUS_SDKS)) {
    const app = join(dir, sdk.replace(/[@/]/g, '_'));
    mkdirSync(app);
    writeFileSync(join(app, 'main.js'), COLYSEUS_CLIENT.replace('COLYSEUS_SDK', sdk));
    writeFileSync(join(app, 'index.html'), '<!doctype html><body></body><script type="module" src="./main.js"></script>\n');
    rows.push(viteBuild(app, `${sdk} ${version}`));
  }

  const base = rows[0]!.gzip;
  console.log(`Vite ${VITE} production build, gzip level 9 (node:zlib), Node ${process.version}`);
  for (const r of rows) {
    console.log(`${r.client.padEnd(62)} ${String(r.bytes).padStart(8)} B ${String(r.gzip).padStart(7)} B gzip  ${(r.gzip / base).toFixed(2)}×`);
  }
  console.log(JSON.stringify({ bench: 'bundle', vite: VITE, rows }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
