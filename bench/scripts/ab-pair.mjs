// What the paired A/B scripts (ab-room.mjs, ab-owner.mjs) share: loading a build's modules, the
// other memory written between ticks, and the median.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Imports `file` from the build in folder `dist` (a `build-tsc.mjs` output). */
export const fromDist = (dist, file) => import(pathToFileURL(path.resolve(dist, file)).href);

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
