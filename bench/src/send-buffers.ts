/**
 * Each client's outgoing bytes as a transport holds them. A frame handed to netschema's sink is
 * valid only during the call; a real transport copies it into the socket's send buffer (uWS
 * does), so the benches copy it into a buffer kept per client instead of allocating a new array
 * per frame, which no real send does. The client then decodes from that buffer. One frame is
 * held per client, until taken.
 */
export class SendBuffers {
  private readonly bufs: Uint8Array[];
  private readonly lens: Int32Array;

  constructor(clients: number) {
    this.bufs = Array.from({ length: clients }, () => new Uint8Array(1024));
    this.lens = new Int32Array(clients);
  }

  /** Copies a frame into client `c`'s buffer (growing it when needed). */
  put(c: number, frame: Uint8Array): void {
    let b = this.bufs[c]!;
    if (b.length < frame.length) b = this.bufs[c] = new Uint8Array(Math.max(frame.length, b.length * 2));
    b.set(frame);
    this.lens[c] = frame.length;
  }

  /** Client `c`'s held frame (a view valid until its next `put`), or null; it is no longer held. */
  take(c: number): Uint8Array | null {
    const n = this.lens[c]!;
    if (n === 0) return null;
    this.lens[c] = 0;
    return this.bufs[c]!.subarray(0, n);
  }
}

/** Each held frame applied to its client's replica, then dropped. */
export function applySent(sent: SendBuffers, replicas: readonly { apply(frame: Uint8Array): unknown }[]): void {
  for (let c = 0; c < replicas.length; c++) {
    const f = sent.take(c);
    if (f) replicas[c]!.apply(f);
  }
}
