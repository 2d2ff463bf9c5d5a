import { afterEach, describe, expect, it } from 'vitest';
import { Client, FRAME_ROOM, ReplicaWorld, type Room, type RoomHost } from '@netschema/runtime';
import { FrameOutbox } from '../src/host/frame-outbox.js';
import { netSchema, TestRoom, type Player } from '@netschema/test-fixtures/rooms/net-room';

describe('FrameOutbox', () => {
  it('hands out copies of what was pushed, in order, and is empty after a flush', () => {
    const box = new FrameOutbox<string>();
    const src = new Uint8Array([1, 2, 3]);
    box.push('a', src);
    src.fill(9); // a builder reuses its buffer for the next frame
    box.push('b', src.subarray(0, 2));
    box.push('c', new Uint8Array(0));
    const out: [string, number[]][] = [];
    box.flush((c, f) => out.push([c, [...f]]));
    expect(out).toEqual([
      ['a', [1, 2, 3]],
      ['b', [9, 9]],
      ['c', []],
    ]);
    expect(box.size).toBe(0);
    box.flush(() => {
      throw new Error('an emptied outbox sends nothing');
    });
  });

  it('grows past its first buffer and index sizes without losing a byte', () => {
    const box = new FrameOutbox<number>();
    // 300 frames of 1,000 bytes: past 256 entries and past the first 64 KB.
    for (let i = 0; i < 300; i++) box.push(i, new Uint8Array(1000).fill(i & 255));
    let n = 0;
    box.flush((i, f) => {
      expect(i).toBe(n++);
      expect(f.length).toBe(1000);
      expect(f.every((b) => b === (i & 255))).toBe(true);
    });
    expect(n).toBe(300);
  });
});

/** A transport that records what the room hands it, and runs `onSend` before each send. */
class FakeHost implements RoomHost {
  readonly schema = netSchema.netschema;
  readonly pauseBytes = 1 << 20;
  readonly stuckMs = 10_000;
  readonly sent: { client: Client<undefined>; bytes: Uint8Array }[] = [];
  onSend: (client: Client<undefined>, bytes: Uint8Array) => void = () => {};
  sendBytes(client: Client<undefined>, bytes: Uint8Array) {
    this.onSend(client, bytes);
    this.sent.push({ client, bytes: bytes.slice() });
    return 'sent' as const;
  }
  bufferedAmount() {
    return 0;
  }
  closeClient() {}
  report(error: unknown) {
    throw error;
  }
  disposed() {}
  roomChanged() {}
  left() {}
}

const rooms: Room[] = [];
afterEach(() => {
  for (const r of rooms.splice(0)) r.dispose();
});

/** A TestRoom on the fake host with `names` joined; ticked by hand (its own timer is at 1 Hz). */
function hosted(names: string[]) {
  const host = new FakeHost();
  const room = new TestRoom();
  rooms.push(room as unknown as Room);
  room.start(host, 'test', { tickRate: 1, patchRate: 1000 });
  room.onCreate();
  const clients = names.map((name) => {
    const c = new Client<undefined>(room as never, undefined);
    room.join(c as never, { name });
    return c;
  });
  return { host, room, clients };
}

describe('a room tick and its transport', () => {
  it('hands frames to the sockets only once every due client’s frame of the tick is built', () => {
    const { host, room, clients } = hosted(['ann', 'bob', 'cy']);
    const builtAtFirstSend: number[] = [];
    host.onSend = (_c, bytes) => {
      if (bytes[0] !== FRAME_ROOM || builtAtFirstSend.length > 0) return;
      for (const c of clients) builtAtFirstSend.push(c.core.frameTick);
    };
    room.tick();
    // Each client's frame of this tick was built before the first went out: no send syscall's
    // kernel work lands between two builds.
    expect(builtAtFirstSend).toEqual([room.core.tickNo, room.core.tickNo, room.core.tickNo]);
  });

  it('each client gets its own frame intact, although the builder reuses one buffer', async () => {
    const { host, room, clients } = hosted(['ann', 'bob', 'cy']);
    room.tick();
    room.players.get(clients[1] as never)!.x = 7;
    await new Promise((r) => setTimeout(r, 5)); // past the 1 ms frame interval: every client is due
    room.tick();
    for (const c of clients) {
      const rep = new ReplicaWorld(netSchema);
      const frames = host.sent.filter((s) => s.client === c && s.bytes[0] === FRAME_ROOM);
      expect(frames.length).toBe(2);
      for (const f of frames) rep.apply(f.bytes);
      const players = [...rep.entities.values()] as Player[];
      expect(players.map((p) => [p.name, p.x]).sort()).toEqual([
        ['ann', 0],
        ['bob', 7],
        ['cy', 0],
      ]);
    }
    // Sent in the order the frames were built, each followed by its ownership news.
    expect(host.sent.slice(0, 6).map((s) => [clients.indexOf(s.client), s.bytes[0] === FRAME_ROOM])).toEqual([
      [0, true],
      [0, false],
      [1, true],
      [1, false],
      [2, true],
      [2, false],
    ]);
  });
});
