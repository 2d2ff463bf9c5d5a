// `npm run dev`: the game server and Vite's dev server in one process, so one command starts
// both and Ctrl+C stops both, with no process runner to install.
import { createServer } from 'vite';
import { startServer } from './server.js';

const game = await startServer({ port: Number(process.env.PORT ?? 2567) });
const vite = await createServer({ server: { host: '127.0.0.1', port: Number(process.env.VITE_PORT ?? 5173) } });
await vite.listen();
console.log(`game server on ws://127.0.0.1:${game.port}/ws`);
vite.printUrls();
console.log('open the page in two tabs: arrow keys or WASD move your player');
const stop = (): void => void Promise.all([vite.close(), game.close()]).then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
