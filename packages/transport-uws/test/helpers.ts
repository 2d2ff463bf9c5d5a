import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export { until } from '@netschema/test-fixtures/support/until';

/** Rejects naming `what` if `promise` does not settle within `ms`. */
export function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs a TypeScript fixture in a fresh Node process (through tsx) with the given environment. */
export function runFixture(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ms = 20_000,
): Promise<ChildResult> {
  const file = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', tsx, file, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} ${args.join(' ')} did not exit within ${ms} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, ms);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The environment of this process without UWS_USE_FALLBACK, plus `extra`. */
export function envWith(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('UWS_USE_FALLBACK' in extra)) delete env['UWS_USE_FALLBACK'];
  return env;
}

/** A server fixture started by `startListening`, and the first line it printed. */
export interface Started {
  child: ChildProcess;
  /** `listening <port>` or `cannot listen: <why>`. */
  line: string;
  /** The port from `listening <port>`; 0 when it could not listen. */
  port: number;
}

/**
 * Starts a server fixture (through tsx) with `args` and waits for its first line, or for its
 * exit before one. The caller kills the child.
 */
export async function startListening(name: string, args: string[]): Promise<Started> {
  const file = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', tsx, file, ...args], { env: envWith(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const line = await within(
    new Promise<string>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
      child.once('exit', (code, signal) => resolve(`exited (${code ?? signal}) before listening: ${err}`));
    }),
    `${name} to start`,
    20_000,
  );
  const match = /^listening (\d+)$/.exec(line);
  return { child, line, port: match ? Number(match[1]) : 0 };
}
