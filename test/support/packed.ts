// Packs the publishable workspace packages the way a release would (`pnpm pack`: prepack builds
// dist/, `workspace:*` becomes the version), for tests that install them into a project outside
// this repository with npm.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..');

/** The packages a game installs, in build order. */
export const PUBLISHED = ['runtime', 'cli', 'transport-uws'] as const;

let packed: Promise<Record<string, string>> | undefined;

/**
 * Package name → absolute path of its tarball. Builds and packs once per process; later calls
 * share the result. Packages under packages/ other than PUBLISHED are packed too when they have a
 * `prepack` or no build at all (the starter, the Vite plugin).
 */
export function packWorkspace(): Promise<Record<string, string>> {
  packed ??= Promise.resolve().then(() => {
    const out = mkdtempSync(join(tmpdir(), 'netschema-packs-'));
    // The root build runs in dependency order; each pack's prepack then rebuilds only its own.
    execFileSync('pnpm', ['run', 'build'], { cwd: REPO, stdio: 'pipe' });
    const tarballs: Record<string, string> = {};
    for (const dir of readdirSync(join(REPO, 'packages'))) {
      const pkgDir = join(REPO, 'packages', dir);
      const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string; private?: boolean };
      if (manifest.private === true) continue;
      const printed = execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const file = printed.trim().split('\n').at(-1)!.trim();
      tarballs[manifest.name] = resolve(pkgDir, file);
    }
    return tarballs;
  });
  return packed;
}

/** npm `overrides` that make every dependency on a netschema package resolve to its tarball. */
export function tarballOverrides(tarballs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
}

/** Runs npm in `cwd` with no audit, fund or update notices; returns stdout, throws with the output on failure. */
export function npm(cwd: string, args: readonly string[], timeoutMs = 240_000): string {
  try {
    return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}
