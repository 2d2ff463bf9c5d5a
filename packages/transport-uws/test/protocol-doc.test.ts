// docs/protocol.md against the code: its tables of message kinds, error codes and close codes,
// and its example bytes, so the spec cannot drift from what client and server do.
import { readFileSync } from 'node:fs';
import * as rt from '@netschema/runtime';
import { describe, expect, it } from 'vitest';
import { netSchema } from '@netschema/test-fixtures/rooms/net-room';

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
const constants = rt as unknown as Record<string, unknown>;

/** Table rows of a section (`## title` up to the next `## `), split into trimmed cells. */
function rows(section: string): string[][] {
  const start = doc.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`docs/protocol.md has no section "${section}"`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((l) => /^\| [`\d]/.test(l))
    .map((l) => l.slice(1, -1).split(' | ').map((c) => c.trim()));
}

const unquote = (cell: string) => cell.replace(/`/g, '');

function hex(write: (w: rt.Writer) => void): string {
  const w = new rt.Writer(256);
  write(w);
  return Buffer.from(w.toBytes()).toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

describe('docs/protocol.md', () => {
  it('lists every message kind with its number', () => {
    const kinds = rows('Message kinds').filter((r) => r.length === 4).map(([kind, name]) => [unquote(name!), Number(unquote(kind!))] as const);
    for (const [name, kind] of kinds) expect(constants[name], name).toBe(kind);
    const exported = Object.keys(constants).filter((k) => /^(S|C)_[A-Z_]+$|^FRAME_(FULL|PATCH|ROOM)$/.test(k));
    expect(kinds.map(([name]) => name).sort()).toEqual(exported.sort());
  });

  it('lists every error code', () => {
    const codes = rows('Message kinds').filter((r) => r.length === 3).map(([code, name]) => [unquote(name!), Number(unquote(code!))]);
    expect(Object.fromEntries(codes)).toEqual(rt.ErrorCode);
  });

  it('lists every close code, and says which ones the client reconnects after as FINAL_CLOSE_CODES does', () => {
    const table = rows('Close codes');
    const named = table.filter(([, name]) => name !== '—').map(([code, name]) => [unquote(name!), Number(code)]);
    expect(Object.fromEntries(named)).toEqual(rt.CloseCode);
    for (const [code, , , reconnects] of table) {
      if (code === '1000') continue; // the client's own close
      expect(reconnects === 'yes', `close code ${code}`).toBe(!rt.FINAL_CLOSE_CODES.has(Number(code)));
    }
  });

  it('shows the bytes the codecs write', () => {
    const schema = netSchema.netschema;
    const examples = [
      hex((w) => rt.writeJoin(w, { protocol: rt.PROTOCOL_VERSION, fingerprint: schema.fingerprint, room: 'arena', resumeToken: '', lastTick: 0, options: '{}' })),
      hex((w) => rt.writeWelcome(w, { protocol: 1, clientId: 3, roomId: 'r1', roomName: 'arena', resumeToken: 'tok', resumed: false })),
      hex((w) => rt.writeMessage(w, schema, Object.assign(new netSchema.Move(), { dx: 1, dy: -1 }), 5)),
      hex((w) => rt.writeMessage(w, schema, Object.assign(new netSchema.Chat(), { from: 'a', text: 'hi' }))),
      hex((w) => rt.writeError(w, rt.ErrorCode.NO_HANDLER, 'no handler')),
      hex((w) => rt.writePing(w, rt.S_PING, 300)),
      hex((w) => w.u8(rt.C_LEAVE)),
      hex((w) => rt.writeOwned(w, { reset: false, added: [5, 9], removed: [3] })),
    ];
    const block = doc.slice(doc.indexOf('## Example bytes'));
    for (const bytes of examples) expect(block).toContain(`\n           ${bytes}\n`);
    expect(block).toContain(`fingerprint ${schema.fingerprint}`);
  });
});
