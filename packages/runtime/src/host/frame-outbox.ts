// A tick's frames, held until every frame of the tick is built, then handed to the sockets in one
// pass. Each send is a system call whose kernel work (the loopback or NIC path) evicts the room's
// working set from the CPU caches; interleaved with the builds, every build started cold.

/** Frames queued by `push`, copied into one growing buffer, walked in order by `flush`. */
export class FrameOutbox<C> {
  private bytes = new Uint8Array(1 << 16);
  private pos = 0;
  private readonly clients: C[] = [];
  private ends = new Int32Array(256);

  get size(): number {
    return this.clients.length;
  }

  /** Queues a copy of `frame` for `client` (the builder reuses its buffer for the next frame). */
  push(client: C, frame: Uint8Array): void {
    const n = this.clients.length;
    const end = this.pos + frame.length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.pos));
      this.bytes = grown;
    }
    this.bytes.set(frame, this.pos);
    this.pos = end;
    if (n === this.ends.length) {
      const grown = new Int32Array(n * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    this.ends[n] = end;
    this.clients.push(client);
  }

  /** Hands each queued frame to `send` in the order queued, then empties the outbox. */
  flush(send: (client: C, frame: Uint8Array) => void): void {
    const clients = this.clients;
    let start = 0;
    for (let i = 0; i < clients.length; i++) {
      const end = this.ends[i]!;
      send(clients[i]!, this.bytes.subarray(start, end));
      start = end;
    }
    // Emptied before anything `send` started could queue more, and without freeing storage.
    clients.length = 0;
    this.pos = 0;
  }
}
