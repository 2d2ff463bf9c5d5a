// examples/readme/src/client.ts
import { connect } from '@netschema/runtime/client'; // browser-safe: no decorators, no Node APIs
import WebSocket from 'ws'; // Node only: browsers have their own
import * as schema from './state.netschema.js';

export async function join(url: string, name: string, log: (line: string) => void = console.log) {
  const conn = connect(url, schema, { room: 'lobby', options: { name }, WebSocket });
  conn.onAdd(schema.Player, (p, id) => log(`${p.name} (#${id}) is here`));
  conn.onChange(schema.Player, (p, _id, fields) => {
    if (fields.includes('x') || fields.includes('y')) log(`${p.name} moved to ${p.x.toFixed(1)}, ${p.y.toFixed(1)}`);
  });
  conn.onRemove(schema.Player, (p) => log(`${p.name} left`));
  conn.onMessage(schema.Chat, (m) => log(`${m.from}: ${m.text}`));
  await conn.ready(); // joined, and the first frame applied

  conn.send(Object.assign(new schema.Move(), { dx: 10, dy: -5 })); // returns its sequence number
  conn.send(Object.assign(new schema.Chat(), { text: `hello from ${name}` }));
  return conn;
}
