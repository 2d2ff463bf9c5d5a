import { describe, expect, it } from 'vitest';
import { loadUws } from '../src/native.js';
import { envWith, runFixture } from './helpers.js';

// Loaded at import: if the fallback is in use this throws and the whole file fails, which is the
// point (issue #4: the suite must fail when uWS is not native).
const loaded = loadUws();

interface FixtureReport {
  ok: boolean;
  native?: boolean;
  binary?: string | null;
  hasApp?: boolean;
  name?: string;
  reason?: string;
  message?: string;
}

async function loadInChild(mode: 'load' | 'allow' | 'server', env: NodeJS.ProcessEnv): Promise<FixtureReport> {
  const result = await runFixture('load-uws-child.ts', [mode], env);
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (result.code !== 0 || line === undefined) {
    throw new Error(`child (${mode}) exited with ${result.code ?? result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return JSON.parse(line.slice('RESULT '.length)) as FixtureReport;
}

describe('uWebSockets.js native binary', () => {
  it('is in use in this process (not the pure-JS fallback)', () => {
    expect(loaded.native).toBe(true);
    const { platform, arch } = process;
    expect(loaded.binary).toMatch(new RegExp(`uws_${platform}_${arch}_${process.versions.modules}\\.node$`));
    // The second, independent signal agrees: the native App is a V8 native function.
    expect(Function.prototype.toString.call(loaded.uws.App)).toContain('[native code]');
  });

  it('is detected as native in a fresh process, even with an UWS_USE_FALLBACK value the loader ignores', async () => {
    expect(await loadInChild('load', envWith())).toMatchObject({ ok: true, native: true, hasApp: true });
    // The loader obeys only "true", "True", "TRUE" and "1"; loadUws must not guess from the variable.
    expect(await loadInChild('load', envWith({ UWS_USE_FALLBACK: 'yes' }))).toMatchObject({ ok: true, native: true });
  });

  it('refuses the fallback that UWS_USE_FALLBACK selects, naming the cause and the fixes', async () => {
    const report = await loadInChild('load', envWith({ UWS_USE_FALLBACK: '1' }));
    expect(report).toMatchObject({ ok: false, name: 'UwsFallbackError', reason: 'env' });
    expect(report.message).toContain('pure-JS fallback');
    expect(report.message).toContain('UWS_USE_FALLBACK=1');
    expect(report.message).toContain('unset UWS_USE_FALLBACK');
    expect(report.message).toContain('allowFallback: true');
  });

  it('accepts the fallback with allowFallback, and reports it as not native', async () => {
    const report = await loadInChild('allow', envWith({ UWS_USE_FALLBACK: 'true' }));
    expect(report).toEqual({ ok: true, native: false, binary: null, hasApp: true });
  });

  it('makes UwsServer refuse to start on the fallback', async () => {
    const report = await loadInChild('server', envWith({ UWS_USE_FALLBACK: 'TRUE' }));
    expect(report).toMatchObject({ ok: false, name: 'UwsFallbackError', reason: 'env' });
  });
});
