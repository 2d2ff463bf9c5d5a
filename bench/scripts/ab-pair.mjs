// What the paired A/B scripts (ab-room.mjs, ab-owner.mjs, ab-follow.mjs) share: loading a
// build's modules, the other memory written between ticks, and the median.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Imports `file` from the build in folder `dist` (a `build-tsc.mjs` output). A file the build
 * does not have is an error naming both, so a wrong folder says so instead of a resolver trace.
 */
export const fromDist = (dist, file) => {
  const at = path.resolve(dist, file);
  if (!existsSync(at)) return Promise.reject(new Error(`${dist}: this build has no ${file} (make one with scripts/build-tsc.mjs)`));
  return import(pathToFileURL(at).href);
};

/**
 * `--thrash M`: a function that writes one word per 64-byte line of M MiB, so every line passes
 * through the caches, as a server's other work leaves them between ticks. Exits with a usage error
 * naming `script` when M is not MiB in [0, 1024]; null for 0.
 */
export function otherMemory(script, value) {
  const mib = Number(value);
  if (!(mib >= 0 && mib <= 1024)) {
    console.error(`${script}: --thrash must be MiB in [0, 1024], got ${value}`);
    process.exit(2);
  }
  if (mib === 0) return null;
  const other = new Int32Array((mib * (1 << 20)) / 4);
  return () => {
    for (let i = 0; i < other.length; i += 16) other[i]++;
  };
}

export const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
