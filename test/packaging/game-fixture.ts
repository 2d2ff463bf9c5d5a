// The small game a user writes, as file texts: the install test writes it into a project outside
// the repository, and `pnpm bench:bundle` bundles the same browser client beside Colyseus's.
// One Player class with TC39-decorated accessors; the browser client imports only the generated
// codecs and `@netschema/runtime/client`.

export const SCHEMA = `import { schema, string, u16 } from '@netschema/runtime';

@schema
export class Player {
  @u16 accessor x = 0;
  @u16 accessor y = 0;
  @string accessor name = '';
}
`;

/** Joins room 'field' and shows a player's name and position whenever it changes. */
export const BROWSER_CLIENT = `import { connect } from '@netschema/runtime/client';
import * as schema from './state.netschema.js';

const conn = connect(\`ws://\${location.hostname}:2567/ws\`, schema, { room: 'field' });
conn.onChange(schema.Player, (p) => {
  document.body.textContent = \`\${p.name} at \${p.x}, \${p.y}\`;
});
`;

export const INDEX_HTML = '<!doctype html><body></body><script type="module" src="/src/browser.ts"></script>\n';

/** The Vite this repository tests with (vitest 4.1): the fixture pins it. */
export const VITE = '8.3.8';
