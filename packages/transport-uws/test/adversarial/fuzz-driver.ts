/**
 * The server fuzzer: a real rooms server (server-child.ts, its own process) under a seeded
 * stream of hostile connections, while honest clients (the project's `connect`) must keep
 * their frame rate and their replicas in sync, and the server must keep answering and stay
 * under an RSS bound. Used by server-fuzz.test.ts (short) and fuzz-server.ts (long).
 */
import {
  C_JOIN, C_LEAVE, C_MANIFEST, C_MESSAGE, C_PING, C_PONG, C_RESYNC, PROTOCOL_VERSION, Reader, readWelcome,
  S_MANIFEST_REQUEST, S_WELCOME, Writer, writeJoin, writeMessage, type JoinRequest,
} from '@netschema/runtime';
import WebSocket from 'ws';
import { Rng } from '@netschema/test-fixtures/support/rng';
import * as schema from './fuzz-schema.netschema.js';
import { HonestClient } from './honest.js';
import { ServerHangError, ServerProcess } from './server-process.js';

export interface FuzzOptions {
  seed: number;
  /** Stop after this many messages sent by fuzzing connections... */
  messages: number;
  /** ...or after this many seconds, whichever comes first. */
  seconds: number;
  /** Honest clients in the main room. */
  honest: number;
  /** Fuzzing connections open at once. */
  concurrency: number;
  /** The server process's RSS must stay under this. */
  rssLimitMib: number;
  /** Each honest client must get at least this share of the frames the tick rate promises. */
  minFrameShare: number;
  /** Keep the server's per-address limits (one address gets few joins in); default: raised, as for many addresses. */
  defaultLimits: boolean;
  /** Mutation classes to leave out (to bisect a failure). */
  skip: readonly string[];
  /** Progress lines (the seed first). */
  log: (line: string) => void;
}

export const DEFAULT_FUZZ: FuzzOptions = {
  seed: 1, messages: Infinity, seconds: 20, honest: 3, concurrency: 16, rssLimitMib: 400, minFrameShare: 0.8, defaultLimits: false, skip: [], log: () => {},
};

/** The mutation classes, one per kind of episode (a connection's whole life). */
export const KINDS = [
  'noise', 'join-mutated', 'huge-varint', 'manifest', 'text', 'hostile-after-join', 'random-kind',
  'repeat-join', 'churn', 'steal-token', 'flood', 'oversize', 'idle', 'bad-entity',
] as const;
export type Kind = (typeof KINDS)[number];

export interface FuzzSummary {
  seed: number;
  seconds: number;
  messages: number;
  messages_by_kind: Record<string, number>;
  connections: number;
  episodes_by_kind: Record<string, number>;
  honest_clients: number;
  honest_fps_expected: number;
  honest_fps_min: number;
  honest_fps_median: number;
  honest_checks: number;
  desyncs: number;
  server_errors: number;
  server_error_samples: string[];
  rss_start_mib: number;
  rss_max_mib: number;
  rss_end_mib: number;
  rooms_end: number;
  sessions_end: number;
  closes_by_code: Record<string, number>;
  failure: string | null;
}

/** A run that broke a promise: names the seed and the last episodes so it can be replayed. */
export class FuzzFailure extends Error {
  override name = 'FuzzFailure';
  constructor(message: string, readonly summary: FuzzSummary) {
    super(message);
  }
}

const TICK_RATE = 20;
/** Per-address limits raised so that one address (127.0.0.1) acts as many. */
export const MANY_ADDRESSES = { joinRate: 100_000, joinBurst: 100_000, maxConnectionsPerAddress: 1000 } as const;
const hex = (b: Uint8Array, max = 48) => Buffer.from(b.subarray(0, max)).toString('hex') + (b.length > max ? `…(${b.length} B)` : '');

/** One hostile connection, with just enough protocol to get past the handshake when it wants to. */
class FuzzSocket {
  readonly ws: WebSocket;
  readonly received: Uint8Array[] = [];
  closed: number | null = null;
  private opened = false;
  private pongs = 0;
  constructor(url: string) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 4 << 20 });
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('open', () => (this.opened = true));
    this.ws.on('message', (d: Buffer) => this.received.push(new Uint8Array(d)));
    this.ws.on('close', (code) => (this.closed ??= code));
    this.ws.on('pong', () => this.pongs++);
    this.ws.on('error', () => {});
  }
  async open(): Promise<boolean> {
    await waitFor(() => this.opened || this.closed !== null, 5000);
    return this.opened && this.closed === null;
  }
  send(data: Uint8Array | string, binary = true): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(data, { binary });
  }
  /** Waits until the server closed us or answered a ping sent after everything else (so it read all of it). */
  async settle(ms: number): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const want = this.pongs + 1;
    this.ws.ping();
    await waitFor(() => this.closed !== null || this.pongs >= want, ms);
  }
  /** The next message of `kind` (first byte), or undefined after `ms` or a close. */
  async next(kind: number, ms: number): Promise<Uint8Array | undefined> {
    let found: Uint8Array | undefined;
    await waitFor(() => {
      found = this.received.find((m) => m[0] === kind);
      return found !== undefined || this.closed !== null;
    }, ms);
    return found;
  }
  terminate(): void {
    this.ws.terminate();
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}

function joinBytes(j: Partial<JoinRequest>): Uint8Array {
  const w = new Writer(256);
  writeJoin(w, { protocol: PROTOCOL_VERSION, fingerprint: schema.netschema.fingerprint, room: 'fuzz', resumeToken: '', lastTick: 0, options: '{}', ...j });
  return w.toBytes();
}

function randomBytes(r: Rng, min: number, max: number): Uint8Array {
  return Uint8Array.from({ length: r.nextInt(min, max) }, () => r.nextInt(0, 255));
}

/** A valid message, flipped, truncated, extended or left alone. */
function mangle(r: Rng, bytes: Uint8Array): Uint8Array {
  const b = Uint8Array.from(bytes);
  switch (r.nextInt(0, 4)) {
    case 0:
      return b.subarray(0, r.nextInt(0, Math.max(0, b.length - 1)));
    case 1:
      for (let i = r.nextInt(1, 4); i > 0; i--) b[r.nextInt(0, b.length - 1)] = r.nextInt(0, 255);
      return b;
    case 2:
      return Uint8Array.from([...b, ...randomBytes(r, 1, 16)]);
    case 3: {
      // A run of continuation bytes spliced in: a varint that never ends, or ends far too big.
      const at = r.nextInt(1, b.length);
      return Uint8Array.from([...b.subarray(0, at), ...Array<number>(r.nextInt(5, 12)).fill(0xff), ...(r.nextInt(0, 1) ? [0x0f] : []), ...b.subarray(at)]);
    }
    default:
      return b;
  }
}

function gameMessage(r: Rng, seq: number): Uint8Array {
  const w = new Writer(128);
  const msg = r.nextInt(0, 2)
    ? Object.assign(new schema.Step(), { dx: r.nextInt(-128, 127), dy: r.nextInt(-128, 127) })
    : Object.assign(new schema.Say(), { text: 'x'.repeat(r.nextInt(0, 80)) });
  writeMessage(w, schema.netschema, msg, seq);
  return w.toBytes();
}

/** A manifest built to hurt: array-likes with huge lengths, wrong types, prototype keys, depth. */
function hostileManifest(r: Rng): string {
  const m = JSON.parse(JSON.stringify(schema.netschema.manifest)) as { classes: { fields: unknown[] }[]; enums: { name: string; members: unknown[] }[] } & Record<string, unknown>;
  const huge = [1e15, 2 ** 32, 2 ** 53, -1, 1e308, Infinity][r.nextInt(0, 5)]!;
  const arrayLike = (a: unknown[]) => Object.assign({ ...a }, { length: huge });
  switch (r.nextInt(0, 11)) {
    case 0: // the enum walk of issue 11, item 1
      (m.enums[0] as Record<string, unknown>)['members'] = arrayLike(m.enums[0]!.members);
      return JSON.stringify(m);
    case 1:
      (m.classes[r.nextInt(0, m.classes.length - 1)] as Record<string, unknown>)['fields'] = arrayLike(m.classes[0]!.fields);
      return JSON.stringify(m);
    case 2:
      m['classes'] = arrayLike(m.classes) as never;
      return JSON.stringify(m);
    case 3:
      m['enums'] = arrayLike(m.enums) as never;
      return JSON.stringify(m);
    case 4:
      return JSON.stringify({ classes: [{ fields: [{ members: { 0: 'a', length: huge } }] }] });
    case 5:
      return [`{"classes":5}`, `{"classes":null,"enums":"x"}`, `[]`, `null`, `"x"`, `{"classes":[null,1,"a"]}`, `{"enums":[{"name":"Mood","members":null}],"classes":[]}`][r.nextInt(0, 6)]!;
    case 6: // prototype keys at several depths: must not pollute or confuse
      return JSON.stringify(m).replace('{', `{"__proto__":{"polluted":true,"length":${huge}},"constructor":{"prototype":{"polluted":true}},`)
        .replace('"fields":', `"__proto__":{"fields":[]},"fields":`);
    case 7: // deep nesting
      return `{"classes":${'['.repeat(r.nextInt(100, 5000))}${']'.repeat(r.nextInt(0, 5000))}}`;
    case 8: // many classes and members: big but within the handshake size limit
      return JSON.stringify({ ...m, enums: [{ name: 'Mood', members: Array.from({ length: 3000 }, (_, i) => ({ name: `m${i}`, value: i })) }] });
    case 9:
      return JSON.stringify(m).slice(0, r.nextInt(0, 400)); // truncated
    case 10: // a near copy: one field renamed, so the diff walks deep before it differs
      (m.classes[0]!.fields[0] as Record<string, unknown>)['name'] = 'x'.repeat(r.nextInt(1, 2000));
      return JSON.stringify(m);
    default:
      return JSON.stringify(m).replace(/"name":"Mood"/, `"name":"Mood","members":{"length":${huge}},"x":"`).concat('"');
  }
}

interface Episode {
  n: number;
  kind: Kind;
  seed: number;
  sent: string[];
}

/** Runs the fuzzer; resolves with the summary, rejects with FuzzFailure (summary inside) when a promise is broken. */
export async function runServerFuzz(opts: Partial<FuzzOptions> = {}): Promise<FuzzSummary> {
  const o: FuzzOptions = { ...DEFAULT_FUZZ, ...opts };
  const kinds = KINDS.filter((k) => !o.skip.includes(k));
  o.log(`server fuzz: seed ${o.seed}, ${Number.isFinite(o.messages) ? `${o.messages} messages` : 'no message cap'}, at most ${o.seconds} s, kinds ${kinds.join(',')}, ${o.defaultLimits ? 'default' : 'raised per-address'} limits`);
  const summary: FuzzSummary = {
    seed: o.seed, seconds: 0, messages: 0, messages_by_kind: {}, connections: 0, episodes_by_kind: {}, honest_clients: o.honest,
    honest_fps_expected: TICK_RATE, honest_fps_min: 0, honest_fps_median: 0, honest_checks: 0, desyncs: 0, server_errors: 0,
    server_error_samples: [], rss_start_mib: 0, rss_max_mib: 0, rss_end_mib: 0, rooms_end: 0, sessions_end: 0, closes_by_code: {}, failure: null,
  };
  const server = await ServerProcess.start({
    room: { bots: 16, tallyEvery: 10, tickRate: TICK_RATE, maxClients: 64, disposeDelayMs: 2000 },
    resumeGraceMs: 2000,
    ...(o.defaultLimits ? {} : { limits: MANY_ADDRESSES }),
  });
  const honest: HonestClient[] = [];
  const recent: Episode[] = [];
  const tokens: string[] = [];
  let failure: string | null = null;
  const fail = (why: string) => (failure ??= why);
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const started = Date.now();
  let monitor: NodeJS.Timeout | undefined;
  try {
    const first = await server.stats();
    summary.rss_start_mib = summary.rss_max_mib = round2(first.rssMib);
    for (let i = 0; i < o.honest; i++) honest.push(new HonestClient(server.url, server.mainRoom, { name: `honest${i}`, user: `honest${i}` }));
    await Promise.all(honest.map((h) => h.ready()));
    const stepper = setInterval(() => honest.forEach((h, i) => h.step(i % 2 ? 1 : -1, 1)), 100);
    const framesAtStart = honest.map((h) => h.frames);
    const t0 = performance.now();

    // The watchdog: a stats request every second; no answer means the loop is stuck.
    let monitoring = false;
    monitor = setInterval(() => {
      if (monitoring || failure) return;
      monitoring = true;
      server.stats(5000).then((s) => {
        summary.rss_max_mib = Math.max(summary.rss_max_mib, round2(s.rssMib));
        if (s.rssMib > o.rssLimitMib) fail(`server RSS ${s.rssMib.toFixed(1)} MiB above the bound of ${o.rssLimitMib} MiB`);
      }, (e: Error) => fail(e instanceof ServerHangError ? `server stopped answering: ${e.message}` : String(e))).finally(() => (monitoring = false));
    }, 1000);

    let episodeNo = 0;
    const deadline = started + o.seconds * 1000;
    const more = () => failure === null && summary.messages < o.messages && Date.now() < deadline;
    const count = (kind: Kind, ep: Episode, bytes: Uint8Array | string) => {
      summary.messages++;
      summary.messages_by_kind[kind] = (summary.messages_by_kind[kind] ?? 0) + 1;
      if (ep.sent.length < 6) ep.sent.push(typeof bytes === 'string' ? `text:${JSON.stringify(bytes.slice(0, 80))}` : hex(bytes));
    };
    const worker = async () => {
      while (more()) {
        const n = episodeNo++;
        // Each episode draws from its own seed, so one can be replayed alone.
        const epSeed = (Math.imul(o.seed, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0;
        const r = new Rng(epSeed);
        const kind = kinds[r.nextInt(0, kinds.length - 1)]!;
        const ep: Episode = { n, kind, seed: epSeed, sent: [] };
        recent.push(ep);
        if (recent.length > 64) recent.shift();
        summary.episodes_by_kind[kind] = (summary.episodes_by_kind[kind] ?? 0) + 1;
        summary.connections++;
        // Most fuzzers authenticate, each as its own user; a few stay anonymous.
        const s = new FuzzSocket(r.nextInt(0, 3) ? `${server.url}?user=fuzz${n}` : server.url);
        try {
          if (await s.open()) await episode(kind, r, s, (b, binary = true) => {
            s.send(b, binary);
            count(kind, ep, b);
          }, server.mainRoom, tokens, () => honest[r.nextInt(0, honest.length - 1)]?.token ?? '');
        } finally {
          if (s.closed !== null) summary.closes_by_code[s.closed] = (summary.closes_by_code[s.closed] ?? 0) + 1;
          s.terminate();
        }
      }
    };
    let lastLog = Date.now();
    const progress = setInterval(() => {
      if (Date.now() - lastLog < 10_000) return;
      lastLog = Date.now();
      o.log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: ${summary.messages} messages, ${summary.connections} connections, RSS max ${summary.rss_max_mib} MiB`);
    }, 1000);
    await Promise.all(Array.from({ length: o.concurrency }, worker));
    clearInterval(progress);
    clearInterval(stepper);

    const elapsed = (performance.now() - t0) / 1000;
    const fps = honest.map((h, i) => (h.frames - framesAtStart[i]!) / elapsed).sort((a, b) => a - b);
    summary.honest_fps_min = round2(fps[0] ?? 0);
    summary.honest_fps_median = round2(fps[Math.floor(fps.length / 2)] ?? 0);
    summary.honest_checks = honest.reduce((a, h) => a + h.checks, 0);
    summary.desyncs = honest.reduce((a, h) => a + h.desyncs, 0);
    for (const [i, h] of honest.entries()) {
      if (h.ended) fail(`honest client ${i} was disconnected (codes ${h.closes.join(',')}; errors ${h.errors.join('; ')})`);
      if (h.errors.length) fail(`honest client ${i} got errors: ${h.errors.join('; ')}`);
      if (fps[i]! < o.minFrameShare * TICK_RATE) fail(`honest client frame rates ${fps.map((f) => f.toFixed(1)).join(', ')}/s, below ${o.minFrameShare} x ${TICK_RATE}`);
    }
    if (summary.desyncs > 0) fail(`${summary.desyncs} desyncs between honest replicas and the server`);
    if (summary.honest_checks === 0 && elapsed > 3) fail('no honest replica was ever checked');
    const end = await server.stats(5000).catch((e: Error) => {
      fail(`server stopped answering: ${e.message}`);
      return null;
    });
    if (end) {
      summary.rss_end_mib = round2(end.rssMib);
      summary.rss_max_mib = Math.max(summary.rss_max_mib, summary.rss_end_mib);
      summary.rooms_end = end.rooms;
      summary.sessions_end = end.sessions;
      summary.server_errors = end.errors;
      summary.server_error_samples = end.errorSamples;
      if (end.rssMib > o.rssLimitMib) fail(`server RSS ${end.rssMib.toFixed(1)} MiB above the bound of ${o.rssLimitMib} MiB`);
    }
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  } finally {
    clearInterval(monitor);
    for (const h of honest) h.leave();
    await server.stop();
    summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  }
  summary.failure = failure;
  if (failure !== null) {
    // Episodes that sent something: after a hang the newest ones sent nothing, the culprit is among these.
    const last = recent.filter((e) => e.sent.length > 0).slice(-10).map((e) => `  episode ${e.n} ${e.kind} (seed ${e.seed}): ${e.sent.join(' ')}`).join('\n');
    throw new FuzzFailure(`server fuzz failed with seed ${o.seed}: ${failure}\nlast episodes that sent messages (newest last):\n${last}\nserver stderr: ${server.stderr.slice(-1500)}`, summary);
  }
  return summary;
}

type Send = (bytes: Uint8Array | string, binary?: boolean) => void;

/** Waits for the welcome; returns its resume token, or undefined if the server refused or closed. */
async function welcomed(s: FuzzSocket): Promise<string | undefined> {
  const m = await s.next(S_WELCOME, 3000);
  if (!m) return undefined;
  const r = new Reader(m);
  r.u8();
  return readWelcome(r).resumeToken;
}

/** `honestToken`: the live resume token of one of the honest clients (another user's session). */
async function episode(kind: Kind, r: Rng, s: FuzzSocket, send: Send, mainRoom: string, tokens: string[], honestToken: () => string): Promise<void> {
  const room = () => (r.nextInt(0, 2) ? mainRoom : ['fuzz', 'nope', '', 'x'.repeat(r.nextInt(1, 300)), '__proto__', 'constructor'][r.nextInt(0, 5)]!);
  const keep = (t: string | undefined) => {
    if (!t) return;
    tokens.push(t);
    if (tokens.length > 64) tokens.splice(0, tokens.length - 64);
  };
  const options = () => ['{}', '{"name":"f"}', '{"__proto__":{"polluted":true}}', 'null', '[]', '"x"', 'not json', `{"name":${'['.repeat(2000)}`, '{"name":{"length":1e15}}'][r.nextInt(0, 8)]!;
  switch (kind) {
    case 'noise': {
      for (let i = r.nextInt(1, 20); i > 0; i--) {
        const b = randomBytes(r, 0, 64);
        if (b.length && r.nextInt(0, 1)) b[0] = [C_JOIN, C_MESSAGE, C_PING, C_PONG, C_LEAVE, C_MANIFEST, C_RESYNC][r.nextInt(0, 6)]!;
        send(b);
      }
      return s.settle(2000);
    }
    case 'join-mutated':
      send(mangle(r, joinBytes({ room: room(), options: options(), lastTick: r.nextInt(0, 2 ** 31) })));
      if (await welcomed(s)) for (let i = r.nextInt(0, 10); i > 0; i--) send(mangle(r, gameMessage(r, i)));
      return s.settle(2000);
    case 'huge-varint': {
      const run = (n: number) => Array<number>(n).fill(0xff);
      const picks = [
        [C_JOIN, ...run(10), 0x01],
        [C_JOIN, 1, ...run(4), 0x0f], // a string length of about 4 GiB
        [C_JOIN, 1, 0x10, ...run(9)],
        [C_MESSAGE, ...run(12)],
        [C_MESSAGE, 0x01, ...run(5), 0x07, 0x00],
        [C_PING, ...run(9), 0x7f],
        [C_MANIFEST, ...run(5), 0x0f, 0x7b],
      ];
      const joinedFirst = r.nextInt(0, 1) === 1;
      if (joinedFirst) {
        send(joinBytes({ room: mainRoom }));
        keep(await welcomed(s));
      }
      for (let i = r.nextInt(1, 6); i > 0; i--) send(Uint8Array.from(picks[r.nextInt(0, picks.length - 1)]!));
      return s.settle(2000);
    }
    case 'manifest': {
      // A fingerprint that differs, so the server asks for the manifest and compares it.
      send(joinBytes({ room: room(), fingerprint: r.nextInt(0, 3) ? '0123456789abcdef' : 'x'.repeat(r.nextInt(0, 200)) }));
      const asked = await s.next(S_MANIFEST_REQUEST, 2000);
      const w = new Writer(1024);
      w.u8(C_MANIFEST);
      w.string(hostileManifest(r));
      send(w.toBytes());
      if (!asked && r.nextInt(0, 1)) send(w.toBytes());
      return s.settle(3000);
    }
    case 'text': {
      const j = joinBytes({ room: room() });
      const pick = r.nextInt(0, 3);
      if (pick === 0) send(Buffer.from(j).toString('latin1'), false);
      else if (pick === 1) send(Buffer.from(j), false); // the join's bytes in a text frame, maybe invalid UTF-8
      else if (pick === 2) send('{"join":"fuzz","__proto__":{"length":1e15}}', false);
      else {
        send(j);
        keep(await welcomed(s));
        for (let i = r.nextInt(1, 5); i > 0; i--) send(Buffer.from(gameMessage(r, i)), false);
      }
      return s.settle(2000);
    }
    case 'hostile-after-join':
    case 'random-kind': {
      send(joinBytes({ room: room(), options: options() }));
      keep(await welcomed(s));
      for (let i = 1; i <= r.nextInt(1, 60) && s.closed === null; i++) {
        if (kind === 'random-kind') {
          const b = randomBytes(r, 1, 24);
          b[0] = r.nextInt(0, 255);
          send(b);
        } else send(mangle(r, gameMessage(r, i)));
      }
      await s.settle(2000);
      if (r.nextInt(0, 1)) send(Uint8Array.of(C_LEAVE));
      return;
    }
    case 'repeat-join': {
      send(joinBytes({ room: mainRoom }));
      const t = await welcomed(s);
      keep(t);
      for (let i = r.nextInt(1, 5); i > 0; i--) send(joinBytes({ room: room(), resumeToken: r.nextInt(0, 1) && t ? t : '' }));
      return s.settle(2000);
    }
    case 'churn': {
      // Join and vanish: the session is held for a resume that never comes.
      send(joinBytes({ room: r.nextInt(0, 1) ? mainRoom : 'fuzz', options: '{"name":"churn"}' }));
      if (r.nextInt(0, 1)) keep(await welcomed(s));
      return;
    }
    case 'steal-token': {
      // Another session's token: a fuzzer's, or an honest client's, whose session must stay its own.
      const pick = r.nextInt(0, 2);
      const token = pick === 0 ? honestToken() : tokens.length ? tokens[r.nextInt(0, tokens.length - 1)]! : 'y'.repeat(r.nextInt(0, 64));
      send(joinBytes({ room: room(), resumeToken: r.nextInt(0, 4) ? token : mangle(r, new TextEncoder().encode(token)).toString(), lastTick: r.nextInt(0, 1e6) }));
      keep(await welcomed(s));
      for (let i = r.nextInt(0, 5); i > 0; i--) send(gameMessage(r, i));
      await s.settle(2000);
      if (r.nextInt(0, 1)) send(Uint8Array.of(C_LEAVE));
      return;
    }
    case 'flood': {
      send(joinBytes({ room: mainRoom }));
      keep(await welcomed(s));
      const n = r.nextInt(50, 300);
      const valid = r.nextInt(0, 1) === 1;
      for (let i = 1; i <= n; i++) send(valid ? gameMessage(r, i) : Uint8Array.of(C_PING, i & 0x7f));
      return s.settle(3000);
    }
    case 'oversize': {
      const big = new Uint8Array(r.nextInt(70_000, 1_200_000));
      big[0] = [C_JOIN, C_MESSAGE, C_MANIFEST][r.nextInt(0, 2)]!;
      if (r.nextInt(0, 1)) {
        send(joinBytes({ room: mainRoom }));
        keep(await welcomed(s));
      }
      send(big);
      return s.settle(3000);
    }
    case 'bad-entity': {
      // The room writes this name into a string field unchecked: undefined (key left out), a number, an object.
      const name = ['', ',"name":5', ',"name":{"x":1}', ',"name":null', ',"name":true'][r.nextInt(0, 4)]!;
      send(joinBytes({ room: mainRoom, options: `{"trusting":true${name}}` }));
      keep(await welcomed(s));
      await s.settle(2000);
      if (r.nextInt(0, 1)) send(Uint8Array.of(C_LEAVE));
      return;
    }
    case 'idle':
      // A socket that never joins holds a slot until the join timeout: here a short while.
      await new Promise((res) => setTimeout(res, r.nextInt(50, 500)));
      return;
  }
}
