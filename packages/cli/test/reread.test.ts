import { afterEach, expect, it } from 'vitest';
import { readSchemas } from '../src/read-schema.js';
import { makeTempDir, type TempDir } from './support/temp-dir.js';

let tmp: TempDir | undefined;
afterEach(() => tmp?.remove());

it('reading again in the same process (as --watch does) reuses parsed files but sees every edit', () => {
  tmp = makeTempDir();
  const file = tmp.write('state.ts', `import { schema, u8 } from '@netschema/runtime';\n@schema export class P { @u8 accessor hp = 0; }\n`);
  const first = readSchemas([file])[0]!;
  expect(first.ir!.classes[0]!.fields.map((f) => f.name)).toEqual(['hp']);
  tmp.write('state.ts', `import { schema, u8, u16 } from '@netschema/runtime';\n@schema export class P { @u8 accessor hp = 0; @u16 accessor mp = 0; }\n`);
  const second = readSchemas([file])[0]!;
  expect(second.ir!.classes[0]!.fields.map((f) => [f.name, f.type])).toEqual([
    ['hp', { kind: 'primitive', name: 'u8' }],
    ['mp', { kind: 'primitive', name: 'u16' }],
  ]);
  tmp.write('state.ts', `import { schema } from '@netschema/runtime';\n@schema export class P { @unit8 accessor hp = 0; }\ndeclare const unit8: never;\n`);
  expect(readSchemas([file])[0]!.diagnostics.map((d) => d.code)).toContain('NS1001');
});
