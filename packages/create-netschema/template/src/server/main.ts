// `npm start`: the game server alone (serve the built page from dist/ with any static host).
import { startServer } from './server.js';

const port = Number(process.env.PORT ?? 2567);
const server = await startServer({ port, host: process.env.HOST ?? '127.0.0.1' });
console.log(`game server on ws://127.0.0.1:${server.port}/ws`);
const stop = (): void => void server.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
