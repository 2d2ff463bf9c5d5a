// What a peer's messages mean: size and rate limits first, then by the peer's state, the join
// handshake (handed to Joins) or a joined client's messages, pings and pongs. A bad message from
// a joined client is answered with an error and counted; the handshake's close the socket.
import {
  C_JOIN, C_LEAVE, C_MANIFEST, C_MESSAGE, C_PING, C_PONG, C_RESYNC, CloseCode, DecodeError, ErrorCode,
  Reader, readJoin, readMessageBody, S_PONG, Writer, writePing, type Client, type SchemaModule,
} from '@netschema/runtime';
import type { Joins } from './joins.js';
import { AWAIT_MANIFEST, CLOSED, JOINED, JOINING, type Peer } from './peer.js';

/** What the message handling asks of its server. */
export interface InboundServer {
  /** Sends bytes on a peer's socket. */
  send(peer: Peer, bytes: Uint8Array): void;
  /** Closes a peer's socket with a code and reason; its session, if any, is not held. */
  end(peer: Peer, code: number, reason: string): void;
}

/** The limits a joined client's messages are held to (NetServerOptions, resolved). */
export interface InboundLimits {
  /** Largest message a joined client may send. */
  readonly maxMessage: number;
  /** Messages per second a peer's token bucket refills with (named in the close reason). */
  readonly messageRate: number;
  /** Bad messages a joined client may send before it is disconnected. */
  readonly maxErrors: number;
}

export class Inbound {
  private readonly r = new Reader(new Uint8Array(0));
  private readonly w = new Writer(64);

  constructor(
    private readonly schema: SchemaModule,
    private readonly joins: Joins,
    private readonly limits: InboundLimits,
    private readonly server: InboundServer,
  ) {}

  /** A message from a peer's socket, whatever its state. */
  received(peer: Peer, bytes: Uint8Array, isBinary: boolean): void {
    if (peer.state === CLOSED) return;
    if (!isBinary) {
      // Every protocol message is binary; a text frame is not one of them, whatever it holds.
      if (peer.state === JOINED && peer.client) this.offence(peer, peer.client, ErrorCode.MALFORMED_MESSAGE, 'a text frame; protocol messages are binary');
      else this.server.end(peer, CloseCode.PROTOCOL_ERROR, 'a text frame; the join must be a binary message');
      return;
    }
    const now = performance.now();
    peer.lastSeen = now;
    const client = peer.client;
    if (client) {
      client.stats.bytesIn += bytes.length;
      client.stats.messagesIn++;
    }
    if (peer.state === JOINED && bytes.length > this.limits.maxMessage) {
      this.server.end(peer, CloseCode.MESSAGE_TOO_BIG, `a message of ${bytes.length} bytes; the limit is ${this.limits.maxMessage}`);
      client?.room.leave(client, false);
      return;
    }
    if (!peer.bucket.take(now)) {
      this.server.end(peer, CloseCode.RATE_LIMITED, `more than ${this.limits.messageRate} messages per second`);
      // RATE_LIMITED is final for the client: end the session too, or its entities stay behind.
      client?.room.leave(client, false);
      return;
    }
    const r = this.r;
    r.reset(bytes);
    try {
      const kind = bytes.length > 0 ? r.u8() : -1;
      if (peer.state === JOINED && client) this.inRoom(peer, client, kind, r);
      else if (peer.state === JOINING && kind === C_JOIN) this.joins.join(peer, readJoin(r));
      else if (peer.state === AWAIT_MANIFEST && kind === C_MANIFEST) this.joins.mismatch(peer, r.string());
      else if (kind === C_PING) this.pong(peer, r);
      else this.server.end(peer, CloseCode.PROTOCOL_ERROR, `expected a join message first, got message kind ${kind}`);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      if (peer.state === JOINED && client) this.offence(peer, client, ErrorCode.MALFORMED_MESSAGE, `malformed message: ${e.message}`);
      else this.server.end(peer, CloseCode.PROTOCOL_ERROR, `malformed handshake: ${e.message}`);
    }
  }

  private inRoom(peer: Peer, client: Client, kind: number, r: Reader): void {
    switch (kind) {
      case C_MESSAGE: {
        const seq = r.varuint();
        const { codec, msg } = readMessageBody(r, this.schema);
        if (!client.room.dispatch(client, seq, codec.name, msg)) {
          this.offence(peer, client, ErrorCode.NO_HANDLER, `no handler for message ${codec.name} in room ${client.room.name}`);
        }
        return;
      }
      case C_PING:
        this.pong(peer, r);
        return;
      case C_PONG: {
        const id = r.varuint();
        if (id === peer.pingId && peer.pingSentAt > 0) {
          const rtt = performance.now() - peer.pingSentAt;
          client.rtt = rtt;
          client.rttSmoothed = client.rttSmoothed === 0 ? rtt : client.rttSmoothed + (rtt - client.rttSmoothed) / 8;
          peer.pingSentAt = 0;
        }
        return;
      }
      case C_RESYNC:
        client.room.resync(client);
        return;
      case C_JOIN:
        this.offence(peer, client, ErrorCode.ALREADY_JOINED, `already joined room ${client.room.name} (${client.room.id}); one connection carries one session, leave first or open another connection`);
        return;
      case C_LEAVE:
        this.server.end(peer, CloseCode.LEFT, 'left');
        client.room.leave(client, true);
        return;
      default:
        this.offence(peer, client, ErrorCode.UNKNOWN_MESSAGE, `unknown message kind ${kind}`);
    }
  }

  /** A bad message: the client hears why; after `maxErrors` of them it is disconnected. */
  private offence(peer: Peer, client: Client, code: number, text: string): void {
    if (++peer.errors > this.limits.maxErrors) {
      this.server.end(peer, CloseCode.TOO_MANY_ERRORS, `too many bad messages; last: ${text}`);
      client.room.leave(client, false);
      return;
    }
    client.room.error(client, code, text);
  }

  private pong(peer: Peer, r: Reader): void {
    const w = this.w;
    w.reset();
    writePing(w, S_PONG, r.varuint());
    this.server.send(peer, w.view_(0));
  }
}
