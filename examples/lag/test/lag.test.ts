// The lag example as a user runs it: a few lines of round-trip times, both sides measured.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runLag } from '../src/lag.js';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = createRequire(join(DIR, 'package.json')).resolve('tsx/cli');

it('the lag script prints round-trip times measured by the client and by the server (> 0, finite)', async () => {
  const child = spawn(process.execPath, [TSX, '--conditions=source', 'src/main.ts', '--samples', '3', '--interval', '300'], { cwd: DIR, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  // Its own process group (tsx runs the script as a child): a stuck run is killed whole.
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  clearTimeout(timer);
  expect(code, out).toBe(0);
  expect(out).toMatch(/^connected to ws:\/\/127\.0\.0\.1:\d+\/ws/m);
  const lines = [...out.matchAll(/^rtt ([\d.]+) ms \(client; smoothed ([\d.]+)\) · ([\d.]+) ms \(server\)$/gm)];
  expect(lines.length, out).toBe(3);
  for (const [, client, smoothed, server] of lines) {
    for (const v of [client, smoothed, server].map(Number)) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
  }
}, 30_000);

it('runLag returns the samples it printed', async () => {
  const lines: string[] = [];
  const samples = await runLag({ samples: 2, intervalMs: 200, log: (l) => lines.push(l) }).done;
  expect(samples).toHaveLength(2);
  for (const s of samples) {
    expect(s.clientRtt).toBeGreaterThan(0);
    expect(s.serverRtt).toBeGreaterThan(0);
    expect(Number.isFinite(s.clientRtt + s.serverRtt + s.clientRttSmoothed)).toBe(true);
  }
  expect(lines).toHaveLength(3);
});
