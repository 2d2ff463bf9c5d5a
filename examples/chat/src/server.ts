// `pnpm --filter @netschema/example-chat server [-- --port 2568 --host 127.0.0.1]`
import { parseArgs } from 'node:util';
import { startChatServer } from './chat-room.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { port: { type: 'string', default: '2568' }, host: { type: 'string', default: '127.0.0.1' } },
});
const server = await startChatServer({ port: Number(values.port), host: values.host });
process.stdout.write(`chat server on ws://${values.host}:${server.port}/ws (Ctrl-C stops it)\n`);
process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
