/**
 * The measuring loop shared by the many-clients benchmarks (arena-rooms.ts, scale.ts): one run
 * of one RoomTarget on one fixture and client layout.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ArenaFixture } from './fixtures.js';
import type { ReplayGeometry, RoomScenario } from './room-scenario.js';
import { collectGarbage, fmt, ms, now, type Summary } from './stats.js';
import type { RoomTarget } from './targets/room-target.js';

export const ROOM_METRICS = [
  'build_ms',
  'join_ms',
  'join_bytes_per_client',
  'join_decode_ms_per_client',
  'writes_ms',
  'server_ms',
  'server_plus_writes_ms',
  'server_us_per_client',
  'bytes_per_client',
  'bytes_per_moved',
  'decode_us_per_client',
  'decode_ms_all',
] as const;
export type RoomMetric = (typeof ROOM_METRICS)[number];
export type RoomSample = Record<RoomMetric, number>;

export const ROOM_LABELS: Record<RoomMetric, string> = {
  build_ms: 'build server state + clients (ms)',
  join_ms: 'join: every first frame, server (ms)',
  join_bytes_per_client: 'join frame per client (bytes)',
  join_decode_ms_per_client: 'join frame decode per client (ms)',
  writes_ms: 'field writes per tick (ms)',
  server_ms: 'server time per tick (ms)',
  server_plus_writes_ms: 'server time + writes per tick (ms)',
  server_us_per_client: 'server time per client (µs)',
  bytes_per_client: 'bytes per client per tick',
  bytes_per_moved: 'bytes per moved entity in view',
  decode_us_per_client: 'client decode per frame (µs)',
  decode_ms_all: 'client decode, all clients (ms)',
};

/** Byte counts: exact, the same in every run. */
export const EXACT_METRICS: ReadonlySet<RoomMetric> = new Set(['join_bytes_per_client', 'bytes_per_client', 'bytes_per_moved']);

export interface RoomRun {
  sample: RoomSample;
  problems: string[];
}

/**
 * Build, join (first frames, decoded), then `fx.ticks` ticks: writes, the server tick, and every
 * client's frame decoded into its replica, each timed apart; the first `warmup` ticks are not
 * counted. Finally every replica is checked against the fixture's final state in its window.
 */
export function runRoom(
  t: RoomTarget,
  fx: ArenaFixture,
  sc: RoomScenario,
  geo: ReplayGeometry,
  finalMembers: readonly Int32Array[],
  warmup: number,
): RoomRun {
  const clients = sc.cx.length;
  collectGarbage();
  let a = now();
  t.build(fx, sc);
  const buildMs = ms(a, now());
  collectGarbage();
  a = now();
  t.join();
  const joinMs = ms(a, now());
  const join = t.frames();
  const problems: string[] = [];
  if (join.count + (join.idle ?? 0) !== clients) problems.push(`${t.name}: join sent ${join.count} frames and passed over ${join.idle ?? 0} idle clients, expected ${clients} in all`);
  collectGarbage();
  a = now();
  t.decode();
  const joinDecodeMs = ms(a, now());
  collectGarbage();

  let writeSum = 0;
  let serverSum = 0;
  let decodeSum = 0;
  let bytes = 0;
  let frames = 0;
  let movedInView = 0;
  for (let k = 0; k < fx.ticks.length; k++) {
    const m = fx.ticks[k]!;
    const t0 = now();
    t.write(m);
    const t1 = now();
    t.serverTick(m);
    const t2 = now();
    const f = t.frames();
    t.decode();
    const t3 = now();
    if (f.count + (f.idle ?? 0) !== clients && problems.length < 5) {
      problems.push(`${t.name}: tick ${k} sent ${f.count} frames and passed over ${f.idle ?? 0} idle clients, expected ${clients} in all`);
    }
    if (k >= warmup) {
      writeSum += ms(t0, t1);
      serverSum += ms(t1, t2);
      decodeSum += ms(t2, t3);
      bytes += f.bytes;
      frames += f.count;
      movedInView += geo.movedInView[k]!;
    }
  }
  problems.push(...t.verify(fx.final, finalMembers));
  t.dispose();
  const n = fx.ticks.length - warmup;
  return {
    sample: {
      build_ms: buildMs,
      join_ms: joinMs,
      join_bytes_per_client: join.bytes / clients,
      join_decode_ms_per_client: joinDecodeMs / clients,
      writes_ms: writeSum / n,
      server_ms: serverSum / n,
      server_plus_writes_ms: (serverSum + writeSum) / n,
      server_us_per_client: (serverSum / n / clients) * 1000,
      bytes_per_client: bytes / frames,
      bytes_per_moved: bytes / movedInView,
      decode_us_per_client: (decodeSum / frames) * 1000,
      decode_ms_all: decodeSum / n,
    },
    problems,
  };
}

export const cell = (s: Summary, exact: boolean): string => (exact || s.min === s.max ? fmt(s.median) : `${fmt(s.median)} [${fmt(s.min)}–${fmt(s.max)}]`);

/** A left-aligned first column and right-aligned others, as in arena.ts's table. */
export function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
}

/** Parses a non-negative integer option or exits with the usage text. */
export function intOption(bench: string, help: string, name: string, v: string, min: number, max = Infinity): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`;
    console.error(`${bench}: --${name} expects an integer ${range}, got '${v}'\n\n${help}`);
    process.exit(2);
  }
  return n;
}

/** `parseArgs`, except that a bad option exits 2 naming the benchmark, the problem and the usage, not with a stack trace. */
export function parseBenchArgs<T extends ParseArgsConfig>(bench: string, help: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    console.error(`${bench}: ${(e as Error).message}\n\n${help}`);
    process.exit(2);
  }
}
