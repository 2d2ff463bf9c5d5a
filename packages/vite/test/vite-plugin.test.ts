// The plugin in a real Vite dev server and a real `vite build`, on a project whose schema
// imports @netschema/runtime through this workspace.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@netschema/test-fixtures/support/browser';
import { netschema } from '../src/index.js';

const SCHEMA = `import { schema, string, u16 } from '@netschema/runtime';

@schema
export class Player {
  @u16 accessor x = 0;
  @string accessor name = '';
}
`;
// Line 5, column 4: the misspelt decorator.
const BROKEN = SCHEMA.replace('@u16 accessor x = 0;', '@unit16 accessor x = 0;');

let root: string;
let server: ViteDevServer;
const sent: { type: string; err?: { message: string; loc?: { file: string; line: number; column: number }; plugin?: string } }[] = [];

const schemaFile = (): string => join(root, 'src/state.ts');
const generated = (): string => readFileSync(join(root, 'src/state.netschema.ts'), 'utf8');

async function until(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(import.meta.dirname, '.tmp-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'fixture', private: true, type: 'module', netschema: { schemas: ['src/state.ts'] } }));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>fixture</title>\n');
  writeFileSync(schemaFile(), SCHEMA);
  server = await createServer({ root, configFile: false, logLevel: 'silent', server: { host: '127.0.0.1', port: 0 }, plugins: [netschema()] });
  const send = server.ws.send.bind(server.ws) as (payload: unknown) => void;
  (server.ws as { send: (payload: unknown) => void }).send = (payload: unknown) => {
    sent.push(payload as (typeof sent)[number]);
    send(payload);
  };
  await server.listen();
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

describe('@netschema/vite in the dev server', () => {
  it('generates the codecs when the server starts', () => {
    expect(generated()).toContain('@generated');
    expect(generated()).toContain('class Player');
  });

  it('regenerates when a schema file is saved, with no other process', async () => {
    writeFileSync(schemaFile(), SCHEMA.replace("@string accessor name = '';", "@string accessor name = '';\n  @u16 accessor score = 0;"));
    await until('the codecs to carry the new field', () => generated().includes('score'));
  });

  it("sends a schema error to Vite's overlay at its file:line:col, and the server keeps serving", async () => {
    const before = generated();
    writeFileSync(schemaFile(), BROKEN);
    await until('an error payload', () => sent.some((p) => p.type === 'error'));
    const err = sent.find((p) => p.type === 'error')!.err!;
    expect(err.plugin).toBe('@netschema/vite');
    expect(err.loc).toEqual({ file: schemaFile(), line: 5, column: 4 });
    expect(err.message).toContain('src/state.ts:5:4 - error NS1001: Player.x: unknown wire type @unit16; did you mean u16?');
    expect(generated()).toBe(before); // a file with errors gets no output
    const res = await fetch(`http://127.0.0.1:${(server.httpServer!.address() as { port: number }).port}/`);
    expect(res.status).toBe(200);
  });

  it('the overlay in a browser shows the error with its file:line:col', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // Vite's client logs this once its HMR socket is open: errors sent before that are not shown.
      const connected = page.waitForEvent('console', { predicate: (m) => m.text().includes('[vite] connected'), timeout: 15_000 });
      await page.goto(`http://127.0.0.1:${(server.httpServer!.address() as { port: number }).port}/`);
      await connected;
      // Another save with the error still in it: the page, now connected, gets the payload.
      writeFileSync(schemaFile(), BROKEN.replace("@string accessor name = '';", "@string accessor name = '';\n  @u8 accessor hp = 0;"));
      const overlay = await page.waitForFunction(() => document.querySelector('vite-error-overlay')?.shadowRoot?.textContent ?? '', null, { timeout: 15_000 });
      const text = String(await overlay.jsonValue());
      expect(text).toContain('src/state.ts:5:4');
      expect(text).toContain('NS1001');
      expect(text).toContain('[plugin:@netschema/vite]');
      expect(text).toContain(`${schemaFile()}:5:4`); // the link that opens the editor there
      expect(text).toContain('> 5 |   @unit16 accessor x = 0;'); // the code frame, caret under column 4

      // A page opened while the error stands is shown it at once, with no further save.
      const late = await browser.newPage();
      await late.goto(`http://127.0.0.1:${(server.httpServer!.address() as { port: number }).port}/`);
      const lateText = await late.waitForFunction(() => document.querySelector('vite-error-overlay')?.shadowRoot?.textContent ?? '', null, { timeout: 15_000 });
      expect(String(await lateText.jsonValue())).toContain('src/state.ts:5:4');

      // Fixing the schema closes the overlay on both pages.
      writeFileSync(schemaFile(), SCHEMA);
      for (const p of [page, late]) {
        await p.waitForFunction(() => document.querySelector('vite-error-overlay') === null, null, { timeout: 15_000 });
      }
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('regenerates once the error is fixed', async () => {
    sent.length = 0;
    writeFileSync(schemaFile(), SCHEMA.replace('@u16 accessor x = 0;', '@u16 accessor x = 0;\n  @u16 accessor y = 0;'));
    await until('the fixed schema to be generated', () => /\by\b/.test(generated()) && !generated().includes('score'));
    expect(sent.filter((p) => p.type === 'error')).toEqual([]);
  });
});

describe('a schema file requested by the browser', () => {
  it('is refused with what to import instead, not a syntax error on its decorators', async () => {
    const res = await fetch(`http://127.0.0.1:${(server.httpServer!.address() as { port: number }).port}/src/state.ts`);
    const body = await res.text();
    expect(res.status).toBe(500);
    expect(body).toContain('src/state.ts is a netschema schema file');
    expect(body).toContain('Import its generated module (src/state.netschema.js) and @netschema/runtime/client instead');
  });
});

describe('@netschema/vite in vite build', () => {
  it('fails the build with the located schema error', async () => {
    writeFileSync(schemaFile(), BROKEN);
    await expect(build({ root, configFile: false, logLevel: 'silent', plugins: [netschema()], build: { write: false } })).rejects.toThrow(
      /src\/state\.ts:5:4 - error NS1001: Player\.x: unknown wire type @unit16/,
    );
  });

  it('generates before bundling when the schema is sound', async () => {
    writeFileSync(schemaFile(), SCHEMA.replace('@u16 accessor x = 0;', '@u16 accessor x = 0;\n  @u16 accessor hp = 0;'));
    await build({ root, configFile: false, logLevel: 'silent', plugins: [netschema()], build: { write: false } });
    expect(generated()).toContain('hp');
  });
});
