// Loads uWebSockets.js and proves that its native binary is what got loaded.
//
// The package we install under the name `uWebSockets.js` (@trufflesuite/uws-js-unofficial
// 20.30.0-unofficial.0, see README.md) does not fail when its binary cannot be used: its loader,
// `src/uws.js`, returns a pure-JS implementation built on `ws` instead, which is many times
// slower and only prints a console warning. A game server that silently runs on it would miss
// every performance goal, so we detect the fallback and refuse it unless the caller allows it.
//
// The loader (node_modules/uWebSockets.js/src/uws.js, 20.30.0-unofficial.0):
//   lines 19-30  if UWS_USE_FALLBACK is exactly "true", "True", "TRUE" or "1":
//                `require("../dist/index")` (the JS fallback)
//   lines 32-39  otherwise `require("../binaries/uws_" + process.platform + "_" + process.arch +
//                "_" + process.versions.modules + ".node")`
//   lines 40-49  if that require throws: warn and `require("../dist/index")`
//
// The signal: Node records every module a CommonJS module requires in that module's
// `children`. So the loader module's children hold either the `.node` binary (native) or
// `dist/index.js` (fallback). This reads what the loader actually did instead of re-deriving it,
// and it also holds for the official uWebSockets.js release (its `uws.js` requires
// `./uws_<platform>_<arch>_<abi>.node`, with no fallback), should a user point the alias there.
// If the loader's module record is missing (a bundler inlined it), we fall back to a second
// signal: the native `App` is a V8 native function (`[native code]`), the fallback's is JS.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Uws from 'uWebSockets.js';

export type UwsModule = typeof Uws;

export interface LoadUwsOptions {
  /** Accept the slow pure-JS fallback instead of throwing. For development machines only. */
  allowFallback?: boolean;
}

export interface LoadedUws {
  uws: UwsModule;
  /** True when the native binary is in use, false when the JS fallback is. */
  native: boolean;
  /** The `.node` file that was loaded, when native. */
  binary: string | undefined;
}

/** Why the fallback is in use (see `UwsFallbackError.reason`). */
export type FallbackReason = 'env' | 'no-binary' | 'load-failed' | 'unknown';

export class UwsFallbackError extends Error {
  override name = 'UwsFallbackError';
  constructor(
    message: string,
    readonly reason: FallbackReason,
  ) {
    super(message);
  }
}

const require = createRequire(import.meta.url);

/** The values of UWS_USE_FALLBACK that the loader obeys (src/uws.js lines 19-24); others are ignored. */
const FALLBACK_ENV_VALUES = ['true', 'True', 'TRUE', '1'];

/**
 * Loads uWebSockets.js (cached by Node after the first call) and reports whether it runs
 * natively. Throws `UwsFallbackError`, naming the cause and the fix, when the JS fallback is in
 * use and `allowFallback` is not set.
 */
export function loadUws(options: LoadUwsOptions = {}): LoadedUws {
  const entry = require.resolve('uWebSockets.js');
  const uws = require('uWebSockets.js') as UwsModule;
  const record = require.cache[entry];
  const binary = record?.children.map((child) => child.filename).find((file) => file.endsWith('.node'));
  const native = record ? binary !== undefined : isNativeFunction(uws.App);
  if (!native && !options.allowFallback) throw fallbackError(entry);
  return { uws, native, binary };
}

function isNativeFunction(fn: unknown): boolean {
  return typeof fn === 'function' && /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(fn));
}

// Works out why the loader fell back, following the same steps it takes, so the message can
// name one cause and one fix instead of listing every possibility.
function fallbackError(entry: string): UwsFallbackError {
  const head = 'uWebSockets.js is running its slow pure-JS fallback instead of its native binary';
  const allow = 'or pass { allowFallback: true } to accept the fallback (development only)';
  const env = process.env['UWS_USE_FALLBACK'];
  if (env !== undefined && FALLBACK_ENV_VALUES.includes(env)) {
    return new UwsFallbackError(
      `${head}: the environment variable UWS_USE_FALLBACK=${env} asks for it. ` +
        `Fix: unset UWS_USE_FALLBACK, ${allow}.`,
      'env',
    );
  }
  const { platform, arch } = process;
  const abi = process.versions.modules;
  const file = join(dirname(entry), '..', 'binaries', `uws_${platform}_${arch}_${abi}.node`);
  if (!existsSync(file)) {
    return new UwsFallbackError(
      `${head}: the installed package has no binary for ${platform}-${arch} with Node ABI ${abi} ` +
        `(Node ${process.versions.node}); 20.30.0-unofficial.0 ships Linux, macOS and Windows binaries ` +
        `for ABI 93, 108 and 115 (Node 16, 18 and 20). Fix: run on a supported platform and Node ` +
        `version, or point the uWebSockets.js alias in package.json at a release that supports ` +
        `this one, ${allow}.`,
      'no-binary',
    );
  }
  try {
    require(file);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return new UwsFallbackError(
      `${head}: its binary ${file} fails to load: ${why}. Fix: reinstall the dependency ` +
        `(pnpm install --force) in case the file is damaged, and check that the system's C ` +
        `library is recent enough for it (glibc 2.36 works), ${allow}.`,
      'load-failed',
    );
  }
  // The binary loads now, so it was not chosen when the module was first required: the
  // environment must have changed since.
  return new UwsFallbackError(
    `${head}, although its binary ${file} loads now: UWS_USE_FALLBACK was probably set when ` +
      `uWebSockets.js was first required. Fix: start the process without UWS_USE_FALLBACK, ${allow}.`,
    'unknown',
  );
}
