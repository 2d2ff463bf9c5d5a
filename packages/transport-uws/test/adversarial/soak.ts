/**
 * `pnpm soak -- --seconds N`: bots join, step, drop (socket cut, no close frame), resume with
 * their token, and leave, against a rooms server in its own process. At the end every bot goes
 * (half leave, half vanish mid-session), the grace periods pass, and the server must hold no
 * session and no room. Progress goes to stderr; stdout gets one JSON line. Exits 1 if `errors`,
 * `desyncs`, `sessions_leaked` or `rooms_leaked` is not 0. See RELIABILITY.md.
 */
import { Rng } from '@netschema/test-fixtures/support/rng';
import { intArg, parseToolArgs, toolArgv } from './cli-args.js';
import { MANY_ADDRESSES } from './fuzz-driver.js';
import { HonestClient } from './honest.js';
import type { ServerStats } from './server-child.js';
import { ServerProcess } from './server-process.js';

const USAGE = `usage: soak [options]

  --seconds N   how long the bots play (default 600)
  --bots N      bots at once (default 24)
  --seed N      seed (default: from the clock; printed first)
  -h, --help    this text`;

const T = 'soak';
const { values } = parseToolArgs(T, USAGE, {
  args: toolArgv(),
  options: {
    seconds: { type: 'string', default: '600' },
    bots: { type: 'string', default: '24' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const seconds = intArg(T, USAGE, 'seconds', values.seconds, 1);
const botCount = intArg(T, USAGE, 'bots', values.bots, 1, 500);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : intArg(T, USAGE, 'seed', values.seed, 0, 2 ** 32 - 1);
const log = (line: string) => process.stderr.write(`${line}\n`);

const RESUME_GRACE_MS = 2000;
const DISPOSE_DELAY_MS = 1000;
const rng = new Rng(seed);
const counts = { joins: 0, drops: 0, resumes: 0, leaves: 0, vanished: 0 };
const errorSamples: string[] = [];
let errors = 0;
const error = (what: string) => {
  errors++;
  if (errorSamples.length < 10) errorSamples.push(what.slice(0, 300));
};

/** A bot: a client, and whether it is mid-drop (so a fresh join is an error, not a resume). */
interface Bot {
  client: HonestClient;
  dropping: boolean;
  leaving: boolean;
}

log(`soak: seed ${seed}, ${botCount} bots, ${seconds} s`);
const server = await ServerProcess.start({
  room: { bots: 8, tallyEvery: 20, tickRate: 20, maxClients: 16, disposeDelayMs: DISPOSE_DELAY_MS },
  resumeGraceMs: RESUME_GRACE_MS,
  // The bots share one address; real players have many.
  limits: MANY_ADDRESSES,
});
const stopServer = () => void server.stop();
process.on('SIGINT', () => {
  stopServer();
  process.exit(130);
});

const bots = new Set<Bot>();
const retired: HonestClient[] = [];
/** Newcomers waiting to replace bots that left: cancelled when play ends, or they would join after it. */
const arrivals = new Set<NodeJS.Timeout>();
function spawnLater(ms: number): void {
  const timer = setTimeout(() => {
    arrivals.delete(timer);
    spawnBot();
  }, ms);
  arrivals.add(timer);
}
function spawnBot(): void {
  const client = new HonestClient(server.url, 'fuzz', { name: `bot${counts.joins}`, reconnect: true });
  const bot: Bot = { client, dropping: false, leaving: false };
  counts.joins++;
  client.conn.on('connected', (e) => {
    if (bot.dropping) {
      if (e.resumed) counts.resumes++;
      else error(`a bot reconnected after a drop but its session was not resumed (room ${e.roomId})`);
      bot.dropping = false;
    }
  });
  client.conn.on('disconnected', (e) => {
    if (!e.willReconnect && !bot.leaving) error(`a bot was disconnected for good: ${e.code} ${e.reason}`);
  });
  client.conn.on('error', (e) => error(`a bot got an error: ${e.message}`));
  bots.add(bot);
}

const samples: { t: number; rss: number }[] = [];
let rssMax = 0;
let serverErrors = 0;
let serverErrorSamples: string[] = [];
const t0 = Date.now();
async function sample(): Promise<ServerStats> {
  const s = await server.stats(10_000);
  samples.push({ t: (Date.now() - t0) / 60_000, rss: s.rssMib });
  rssMax = Math.max(rssMax, s.rssMib);
  serverErrors = s.errors;
  serverErrorSamples = s.errorSamples;
  return s;
}

let exitCode = 0;
try {
  const start = await sample();
  for (let i = 0; i < botCount; i++) spawnBot();
  let lastLog = Date.now();
  // Once a second: each bot steps, and now and then drops, or leaves (a newcomer takes its place).
  while (Date.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 250));
    for (const bot of [...bots]) {
      const c = bot.client;
      if (c.conn.status !== 'open' || bot.dropping) continue;
      const roll = rng.nextDouble();
      if (roll < 0.006) {
        bot.dropping = true;
        counts.drops++;
        c.drop();
      } else if (roll < 0.009) {
        bot.leaving = true;
        counts.leaves++;
        c.leave();
        bots.delete(bot);
        retired.push(c);
        spawnLater(rng.nextInt(200, 2000));
      } else c.step(rng.nextInt(-2, 2), rng.nextInt(-2, 2));
    }
    if (samples.length === 0 || Date.now() - t0 > samples[samples.length - 1]!.t * 60_000 + 1000) await sample();
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      const s = samples[samples.length - 1]!;
      log(`  ${Math.round((Date.now() - t0) / 1000)} s: RSS ${s.rss.toFixed(1)} MiB, ${counts.joins} joins, ${counts.drops} drops, ${counts.resumes} resumes, ${counts.leaves} leaves, ${errors} errors`);
    }
  }
  const playEnd = Date.now();
  for (const timer of arrivals) clearTimeout(timer);
  arrivals.clear();
  // Everyone goes: half leave, half vanish (a cut socket and no reconnect: a session held for nobody).
  let i = 0;
  for (const bot of bots) {
    bot.leaving = true;
    if (i++ % 2 === 0) {
      counts.leaves++;
      bot.client.leave();
    } else {
      counts.vanished++;
      bot.client.drop();
      bot.client.leave();
    }
    retired.push(bot.client);
  }
  bots.clear();
  // Grace for held sessions, then the empty rooms' dispose delay, then housekeeping: poll up to 20 s.
  let end = await sample();
  const deadline = Date.now() + RESUME_GRACE_MS + DISPOSE_DELAY_MS + 20_000;
  while ((end.sessions > 0 || end.rooms > 0) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    end = await sample();
  }
  const desyncs = retired.reduce((a, c) => a + c.desyncs, 0);
  const checks = retired.reduce((a, c) => a + c.checks, 0);
  const frames = retired.reduce((a, c) => a + c.frames, 0);
  const playSamples = samples.filter((s) => s.t * 60_000 <= playEnd - t0);
  const half = playSamples.filter((s) => s.t >= playSamples[playSamples.length - 1]!.t / 2);
  const report = {
    seed, seconds, bots: botCount, ...counts,
    frames, checks, desyncs,
    errors: errors + serverErrors,
    error_samples: [...errorSamples, ...serverErrorSamples],
    rss_start_mib: round(start.rssMib),
    rss_end_mib: round(end.rssMib),
    rss_max_mib: round(rssMax),
    rss_slope_last_half_mib_per_min: round(slope(half)),
    sessions_leaked: end.sessions,
    held_leaked: end.held,
    rooms_leaked: end.rooms,
  };
  console.log(JSON.stringify(report));
  if (report.errors || report.desyncs || report.sessions_leaked || report.rooms_leaked) exitCode = 1;
  if (checks === 0) {
    log('soak: no replica was ever checked against the server');
    exitCode = 1;
  }
} catch (e) {
  log(`soak failed (seed ${seed}): ${e instanceof Error ? e.message : String(e)}\nserver stderr: ${server.stderr.slice(-2000)}`);
  exitCode = 1;
} finally {
  for (const b of bots) b.client.leave();
  await server.stop();
}
process.exit(exitCode);

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Least-squares slope of RSS over time, MiB per minute. */
function slope(points: { t: number; rss: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mr = points.reduce((a, p) => a + p.rss, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.rss - mr);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
