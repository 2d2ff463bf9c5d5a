/**
 * A bot process of `pnpm bench:load`: opens `count` real WebSocket connections to the room,
 * applies every frame to a replica, and checks each checksum the server sends against it.
 * Reports to the parent over IPC: 'ready' once every bot is in, 'report' when asked.
 */
import { connect, type Connection } from '@netschema/runtime';
import WebSocket from 'ws';
import { prng } from '../fixtures.js';
import * as schema from '../schemas/load.netschema.js';
import { addHash, entityHash } from './checksum.js';

export interface BotsConfig {
  url: string;
  roomId: string;
  count: number;
  world: number;
  half: number;
  seed: number;
}

export interface BotsReport {
  bots: number;
  frames: number;
  bytesIn: number;
  checks: number;
  /** Checksums that arrived for a tick the bot had not applied (nothing compared). */
  unchecked: number;
  desyncs: number;
  errors: string[];
  disconnects: number;
}

const config = JSON.parse(process.argv[2]!) as BotsConfig;
const report: BotsReport = { bots: config.count, frames: 0, bytesIn: 0, checks: 0, unchecked: 0, desyncs: 0, errors: [], disconnects: 0 };
const rand = prng(config.seed);
const conns: Connection[] = [];

function verify(conn: Connection, msg: schema.Checksum): void {
  const rep = conn.replica;
  if (rep.serverTick !== msg.tick) {
    report.unchecked++;
    return;
  }
  let sum = 0;
  for (const [id, e] of rep.entities) {
    const u = e as schema.Unit;
    sum = addHash(sum, entityHash(id, u.x, u.y, u.hp));
  }
  report.checks++;
  if (sum !== msg.sum) report.desyncs++;
}

async function start(): Promise<void> {
  const ready: Promise<void>[] = [];
  for (let i = 0; i < config.count; i++) {
    const x = config.half + rand() * (config.world - 2 * config.half);
    const y = config.half + rand() * (config.world - 2 * config.half);
    const conn = connect(config.url, schema, { room: config.roomId, options: { x, y }, WebSocket: WebSocket as never, reconnect: false, pingIntervalMs: 0 });
    conn.onMessage(schema.Checksum, (m) => verify(conn, m));
    conn.on('error', (e) => {
      if (report.errors.length < 10) report.errors.push(e.message);
    });
    conn.on('disconnected', () => report.disconnects++);
    conns.push(conn);
    ready.push(conn.ready());
    // Joins in small batches keep the server's accept queue short.
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(ready);
  process.send!({ type: 'ready' });
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'reset') {
    for (const c of conns) c.stats.framesIn = c.stats.bytesIn = 0;
    report.checks = report.unchecked = report.desyncs = 0;
    process.send!({ type: 'reset' });
  } else if (m.type === 'report') {
    report.frames = conns.reduce((s, c) => s + c.stats.framesIn, 0);
    report.bytesIn = conns.reduce((s, c) => s + c.stats.bytesIn, 0);
    process.send!({ type: 'report', report });
  } else if (m.type === 'exit') {
    for (const c of conns) c.close();
    setTimeout(() => process.exit(0), 200);
  }
});

start().catch((e: unknown) => {
  process.send!({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
