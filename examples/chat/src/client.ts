// `pnpm --filter @netschema/example-chat client -- --name ada [--url ws://127.0.0.1:2568/ws]`
// Type a line to post it; /quit (or Ctrl-D) leaves.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { connect } from '@netschema/runtime/client';
import WebSocket from 'ws';
import * as schema from './state.netschema.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { name: { type: 'string', default: 'guest' }, url: { type: 'string', default: 'ws://127.0.0.1:2568/ws' } },
});
const print = (line: string): void => void process.stdout.write(line + '\n');

const conn = connect(values.url, schema, { room: 'chat', options: { name: values.name }, WebSocket: WebSocket as never });
conn.onMessage(schema.Chat, (m) => print(`${m.from}: ${m.text}`));
let joined = false;
conn.onAdd(schema.Member, (m) => joined && print(`* ${m.name} joined`));
conn.onRemove(schema.Member, (m) => print(`* ${m.name} left`));
conn.on('error', (e) => print(`! ${e.message}`));
conn.on('disconnected', (d) => {
  if (!d.willReconnect) process.exit(d.code === 1000 ? 0 : 1);
  print(`! connection lost (${d.code}); reconnecting…`);
});

await conn.ready();
joined = true;
const names = [...conn.replica.entities.values()].map((m) => (m as schema.Member).name);
print(`connected to ${values.url} as ${values.name}; here: ${names.join(', ')}`);

const say = new schema.Say();
const rl = createInterface({ input: process.stdin, terminal: false });
rl.on('line', (line) => {
  if (line.trim() === '/quit') return rl.close();
  say.text = line;
  conn.send(say);
});
rl.on('close', () => conn.close());
