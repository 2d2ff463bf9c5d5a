import { C_LEAVE, C_MANIFEST, C_MESSAGE, C_PING, C_PONG, C_RESYNC, FRAME_ROOM, ReplicaWorld, S_PONG, Writer, writeMessage } from '@netschema/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { Rng } from '@netschema/test-fixtures/support/rng';
import { NetServer } from '../src/index.js';
import { until } from './helpers.js';
import { netSchema, TestRoom } from '@netschema/test-fixtures/rooms/net-room';
import { RawClient } from '@netschema/test-fixtures/support/raw-client';

const servers: NetServer[] = [];
const raws: RawClient[] = [];
afterEach(async () => {
  for (const c of raws.splice(0)) c.terminate();
  for (const s of servers.splice(0)) await s.close();
});

/** A message a hostile or broken client might send: valid ones mangled, or noise. */
function hostile(rng: Rng, seq: number): Uint8Array {
  const w = new Writer(64);
  const pick = rng.nextInt(0, 5);
  if (pick === 0) {
    const len = rng.nextInt(0, 48);
    return Uint8Array.from({ length: len }, () => rng.nextInt(0, 255));
  }
  if (pick === 1) {
    w.u8([C_MESSAGE, C_PING, C_PONG, C_RESYNC, C_MANIFEST, 0, 3, 99, 255][rng.nextInt(0, 8)]!);
    for (let i = rng.nextInt(0, 12); i > 0; i--) w.u8(rng.nextInt(0, 255));
    return w.toBytes();
  }
  const msg = rng.nextInt(0, 1) ? Object.assign(new netSchema.Move(), { dx: rng.nextInt(-128, 127), dy: rng.nextInt(-128, 127) }) : Object.assign(new netSchema.Chat(), { text: 'x'.repeat(rng.nextInt(0, 40)) });
  writeMessage(w, netSchema.netschema, msg, seq);
  const bytes = w.toBytes();
  if (pick === 2) return bytes.subarray(0, rng.nextInt(0, bytes.length)); // truncated
  if (pick === 3) {
    for (let i = rng.nextInt(1, 3); i > 0; i--) bytes[rng.nextInt(0, bytes.length - 1)] = rng.nextInt(0, 255); // flipped
    return bytes;
  }
  if (pick === 4) return Uint8Array.from([...bytes, ...Array.from({ length: rng.nextInt(1, 8) }, () => rng.nextInt(0, 255))]); // trailing
  return bytes; // valid, for contrast
}

describe('NetServer under hostile input (seeded fuzz)', () => {
  it('random and mangled messages from 40 clients never crash the room or disturb a good client', async () => {
    const reported: unknown[] = [];
    const server = await NetServer.listen({ schema: netSchema, onError: (e, where) => reported.push(`${where}: ${String(e)}`), messageRate: 1000, messageBurst: 1000,
      // All 40 clients share 127.0.0.1: lift the per-address caps meant for internet clients.
      maxConnectionsPerAddress: 100, joinRate: 1000, joinBurst: 1000 });
    servers.push(server);
    server.define('test', TestRoom, { tickRate: 50, patchRate: 50, maxClients: 100 });
    const good = new RawClient(`ws://127.0.0.1:${server.port}/ws`);
    raws.push(good);
    await good.open();
    good.join(netSchema.netschema);
    await good.welcome();
    const rep = new ReplicaWorld(netSchema);
    const drain = () => {
      for (const m of good.received.splice(0)) if (m[0] === FRAME_ROOM) rep.apply(m); // throws if a frame is bad
    };
    const rng = new Rng(20261121);
    let sent = 0;
    const closes: number[] = [];
    for (let round = 0; round < 40; round++) {
      const bad = new RawClient(`ws://127.0.0.1:${server.port}/ws`);
      raws.push(bad);
      await bad.open();
      bad.join(netSchema.netschema);
      await bad.welcome();
      for (let i = 1; i <= 50 && bad.closed === null; i++) {
        bad.send(hostile(rng, i));
        sent++;
      }
      bad.send([C_PING, 1]);
      await until(() => bad.closed !== null || bad.received.some((m) => m[0] === S_PONG), `round ${round} to settle`);
      if (bad.closed) closes.push(bad.closed.code);
      else bad.send([C_LEAVE]);
      drain();
    }
    // Every close was the protocol's own, with a code from the application range.
    for (const code of closes) expect(code, `close code ${code}`).toBeGreaterThanOrEqual(4000);
    expect(closes.length).toBeGreaterThan(10);
    expect(sent).toBeGreaterThan(500);
    // The good client still gets frames and answers, and its replica holds its own player. Its
    // moves bring the frames (an idle client gets none): the room still handles its input.
    const tick = rep.serverTick;
    for (let seq = 1; seq <= 3; seq++) {
      const w = new Writer(16);
      writeMessage(w, netSchema.netschema, Object.assign(new netSchema.Move(), { dx: 1, dy: 0 }), seq);
      good.send(w.toBytes());
    }
    await until(() => {
      drain();
      return rep.serverTick > tick && rep.lastInputSeq === 3;
    }, 'more frames for the good client, acknowledging its moves');
    good.send([C_PING, 9]);
    await good.next(S_PONG);
    expect([...rep.entities.values()].some((p) => ((p as netSchema.Player).ammo ?? 0) > 0)).toBe(true);
    // Nothing unexpected reached the server's error hook (handler failures would be listed here).
    expect(reported).toEqual([]);
  });
});
