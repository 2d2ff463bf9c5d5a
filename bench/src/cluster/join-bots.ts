/**
 * A bot process of `bench:cluster`: `count` clients join the room name through a random entry
 * node each (seeded), timed from connect() to ready() (the redirect included). Each applies every
 * frame and checks the room checksums it gets against its replica. Talks to the parent over IPC:
 * 'joined' once every join settled, then 'reset' (start of the measured window) and 'report'.
 */
import { connect, type Connection } from '@netschema/runtime';
import WebSocket from 'ws';
import { prng } from '../fixtures.js';
import { addHash } from '../load/checksum.js';
import * as schema from '../schemas/load.netschema.js';
import { playerHash } from './players-room.js';

export interface JoinBotsConfig {
  entries: string[];
  room: string;
  count: number;
  /** Names are `<prefix><i>`: unique over every bot process. */
  prefix: string;
  /** ms between two joins of this process. */
  joinIntervalMs: number;
  seed: number;
}

export interface JoinBotsReport {
  /** connect() to ready() of each join that succeeded, ms; then the same split by redirected or not. */
  joinMs: number[];
  directMs: number[];
  redirectedMs: number[];
  /** The joins that started a second or more after this process's first (cold code and first script loads behind them). */
  warmMs: number[];
  redirected: number;
  failed: number;
  frames: number;
  checks: number;
  unchecked: number;
  desyncs: number;
  disconnects: number;
  errors: string[];
  /** Each connected client's room id and the names of the players in its replica, sorted. */
  seen: { roomId: string; names: string[] }[];
}

const config = JSON.parse(process.argv[2]!) as JoinBotsConfig;
const report: JoinBotsReport = { joinMs: [], directMs: [], redirectedMs: [], warmMs: [], redirected: 0, failed: 0, frames: 0, checks: 0, unchecked: 0, desyncs: 0, disconnects: 0, errors: [], seen: [] };
const rand = prng(config.seed);
const conns: Connection[] = [];
let firstJoin = -1;

function verify(conn: Connection, msg: schema.Checksum): void {
  const rep = conn.replica;
  if (rep.serverTick !== msg.tick) {
    report.unchecked++;
    return;
  }
  let sum = 0;
  for (const e of rep.entities.values()) sum = addHash(sum, playerHash(e as schema.Unit));
  report.checks++;
  if (sum !== msg.sum) report.desyncs++;
}

async function join(i: number): Promise<void> {
  const entry = config.entries[Math.floor(rand() * config.entries.length)]!;
  const t0 = performance.now();
  if (firstJoin < 0) firstJoin = t0;
  const conn = connect(entry, schema, { room: config.room, options: { name: `${config.prefix}${i}` }, WebSocket: WebSocket as never, reconnect: false, pingIntervalMs: 0 });
  conn.onMessage(schema.Checksum, (m) => verify(conn, m));
  conn.on('error', (e) => {
    if (report.errors.length < 10) report.errors.push(e.message);
  });
  conn.on('disconnected', (e) => {
    if (!e.willReconnect && e.code !== 1000) report.disconnects++;
  });
  try {
    await conn.ready();
    const ms = performance.now() - t0;
    report.joinMs.push(ms);
    if (conn.nodeUrl !== entry) {
      report.redirected++;
      report.redirectedMs.push(ms);
    } else report.directMs.push(ms);
    if (t0 - firstJoin >= 1000) report.warmMs.push(ms);
    conns.push(conn);
  } catch (e) {
    report.failed++;
    if (report.errors.length < 10) report.errors.push(`join ${i}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function start(): Promise<void> {
  const joins: Promise<void>[] = [];
  for (let i = 0; i < config.count; i++) {
    joins.push(join(i));
    await new Promise((r) => setTimeout(r, config.joinIntervalMs));
  }
  await Promise.all(joins);
  process.send!({ type: 'joined', ok: conns.length, failed: report.failed });
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'reset') {
    for (const c of conns) c.stats.framesIn = c.stats.bytesIn = 0;
    report.checks = report.unchecked = report.desyncs = 0;
    process.send!({ type: 'reset' });
  } else if (m.type === 'report') {
    report.frames = conns.reduce((s, c) => s + c.stats.framesIn, 0);
    report.seen = conns.filter((c) => c.status === 'open').map((c) => ({ roomId: c.roomId, names: [...c.replica.entities.values()].map((e) => (e as schema.Unit).name).sort() }));
    process.send!({ type: 'report', report });
  } else if (m.type === 'exit') {
    for (const c of conns) c.close();
    setTimeout(() => process.exit(0), 200);
  }
});
process.on('disconnect', () => process.exit(0));

start().catch((e: unknown) => {
  process.send!({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
