import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_BIN, makeTempDir, type TempDir } from './support/temp-dir.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user would (node bin/netschema.js), bounded so a hang fails the test. */
function cli(args: string[], cwd: string, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`netschema ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const STATE = `import { schema, u8, string, child } from '@netschema/runtime';

@schema
export class Inner {
  @u8 accessor level = 0;
}

@schema
export class Player {
  @string accessor name = '';
  @child(Inner) accessor inner = new Inner();
}
`;

describe('netschema CLI', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = makeTempDir();
  });
  afterEach(() => tmp.remove());

  it('--help lists every option of generate, --version prints the package version', async () => {
    const help = await cli(['generate', '--help'], tmp.path);
    expect(help.code).toBe(0);
    for (const opt of ['--check', '--watch', '--out-dir <dir>', '--cwd <dir>', '--quiet', '--help']) expect(help.stdout).toContain(opt);
    expect(help.stdout).toContain('Examples:');
    const top = await cli(['--help'], tmp.path);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/generate \[options\] \[files\.\.\.\]/);
    const version = await cli(['--version'], tmp.path);
    const pkg = JSON.parse(readFileSync(join(CLI_BIN, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('generates beside the source (exit 0), writes nothing when unchanged, and --check passes on fresh output', async () => {
    tmp.write('src/state.ts', STATE);
    const first = await cli(['generate', 'src/state.ts'], tmp.path);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('wrote src/state.netschema.ts');
    expect(first.stdout).toContain('wrote src/state.netschema.json');
    const code = readFileSync(join(tmp.path, 'src/state.netschema.ts'), 'utf8');
    expect(code).toContain('Player');
    expect(code).toContain('./state.js');

    // Through a glob that also matches the output: generated files are never inputs.
    const second = await cli(['generate', 'src/*.ts'], tmp.path);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('generated 1 schema file');
    expect(second.stdout).not.toContain('wrote');
    expect(second.stdout).toContain('0 written, 2 unchanged');

    // --cwd resolves the file from another directory.
    const check = await cli(['generate', '--check', '--cwd', tmp.path, 'src/state.ts'], join(tmp.path, '..'));
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('up to date');
  });

  it('--check exits 1 and names stale and missing files without writing them', async () => {
    tmp.write('src/state.ts', STATE);
    expect((await cli(['generate', 'src/state.ts'], tmp.path)).code).toBe(0);
    writeFileSync(join(tmp.path, 'src/state.netschema.ts'), '// edited by hand\n');
    rmSync(join(tmp.path, 'src/state.netschema.json'));
    const check = await cli(['generate', '--check', 'src/state.ts'], tmp.path);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('stale: src/state.netschema.ts');
    expect(check.stderr).toContain('missing: src/state.netschema.json');
    expect(readFileSync(join(tmp.path, 'src/state.netschema.ts'), 'utf8')).toBe('// edited by hand\n');
    expect(existsSync(join(tmp.path, 'src/state.netschema.json'))).toBe(false);
  });

  it('exits 1 with file:line:col diagnostics on schema errors and writes no output for that file', async () => {
    tmp.write('bad.ts', `import { schema, u8 } from '@netschema/runtime';\n\n@schema\nexport class P {\n  @unit8 accessor hp = 0;\n}\n`);
    const r = await cli(['generate', 'bad.ts'], tmp.path);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.ts:5:4 - error NS1001: P.hp: unknown wire type @unit8; did you mean u8?');
    expect(r.stderr).toContain('1 schema error in 1 file');
    expect(existsSync(join(tmp.path, 'bad.netschema.ts'))).toBe(false);
  });

  it('exits 2 on usage errors, naming what is wrong and where', async () => {
    const unknownOption = await cli(['generate', '--frobnicate'], tmp.path);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("unknown option '--frobnicate'");

    const missing = await cli(['generate', 'nope.ts'], tmp.path);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`file not found: nope.ts (looked for ${join(tmp.path, 'nope.ts')})`);

    const noMatch = await cli(['generate', 'src/*.ts'], tmp.path);
    expect(noMatch.code).toBe(2);
    expect(noMatch.stderr).toContain(`no files matched src/*.ts (in ${tmp.path})`);

    // Outside the workspace, so no package.json up the tree carries a netschema config.
    const bare = mkdtempSync(join(tmpdir(), 'netschema-noconfig-'));
    try {
      const noConfig = await cli(['generate'], bare);
      expect(noConfig.code).toBe(2);
      expect(noConfig.stderr).toContain(`no schema files given and no netschema config found from ${bare} upwards`);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('finds schemas through package.json "netschema.schemas" globs, from a subdirectory, honouring outDir', async () => {
    tmp.write('package.json', JSON.stringify({ name: 'game', private: true, netschema: { schemas: ['src/**/*.ts'], outDir: 'gen' } }));
    tmp.write('src/state.ts', STATE);
    tmp.write('src/extra/items.ts', `import { schema, u16 } from '@netschema/runtime';\n@schema export class Item { @u16 accessor id = 0; }\n`);
    tmp.write('src/deep/README.md', 'not a schema');
    const r = await cli(['generate'], join(tmp.path, 'src', 'deep'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(tmp.path, 'gen/state.netschema.ts'))).toBe(true);
    expect(existsSync(join(tmp.path, 'gen/extra/items.netschema.ts'))).toBe(true);
    expect(readFileSync(join(tmp.path, 'gen/state.netschema.ts'), 'utf8')).toContain('../src/state.js');
    // Generated files are not schema inputs on the next run.
    const again = await cli(['generate', '--check'], tmp.path);
    expect(again.code).toBe(0);
  });

  it('--watch regenerates after an input file changes', async () => {
    const file = tmp.write('state.ts', STATE);
    const out = join(tmp.path, 'state.netschema.ts');
    const child = spawn(process.execPath, [CLI_BIN, 'generate', '--watch', 'state.ts'], { cwd: tmp.path, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const until = async (what: string, ok: () => boolean): Promise<void> => {
      const deadline = Date.now() + 45_000;
      while (!ok()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`watch: gave up waiting for ${what}\n${stdout}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await until('the first generation', () => stdout.includes('watching'));
      expect(readFileSync(out, 'utf8')).not.toContain('score');
      writeFileSync(file, STATE.replace("@string accessor name = '';", "@string accessor name = '';\n  @u8 accessor score = 0;"));
      await until('the regenerated output', () => existsSync(out) && readFileSync(out, 'utf8').includes('score'));
      await until('the regeneration line', () => stdout.includes('regenerated after state.ts changed'));
      // A schema error is printed and the watcher keeps going.
      writeFileSync(file, STATE.replace('@u8 accessor level', '@unit8 accessor level'));
      await until('the error report', () => stderr.includes('NS1001'));
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('close', r)));
    }
    // Three generations in a child process: on a loaded machine that outlasts the default 30 s.
  }, 120_000);
});
