import { DecodeError, Reader, Writer, readMessageBody, writeMessage, type SchemaModule } from '@netschema/runtime';
import type { ClusterAdapter } from './cluster-adapter.js';

/** A handler of a topic's messages: the decoded message and its class name. */
export type TopicHandler = (msg: object, typeName: string) => void;

/** Longest topic name: it becomes a Redis channel name, and a client never chooses it. */
const MAX_TOPIC = 256;

function checkTopic(where: string, topic: string): void {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC) {
    throw new TypeError(`${where}: topic: expected a non-empty string of at most ${MAX_TOPIC} characters, got ${typeof topic === 'string' ? `${topic.length} characters` : typeof topic}`);
  }
}

/**
 * Server-to-server messages: topics (publish/subscribe) and messages to a room by id. Messages
 * are schema classes, encoded with the generated codecs. Without a cluster they stay in the
 * process; with one they go through it, and each node hears a publish once, its own included.
 */
export class Messaging {
  private readonly topics = new Map<string, { handlers: Set<TopicHandler>; unsubscribe: Promise<(() => Promise<void>) | null> }>();
  private readonly w = new Writer(256);
  private readonly r = new Reader(new Uint8Array(0));

  constructor(
    private readonly schema: SchemaModule,
    private readonly cluster: ClusterAdapter | undefined,
    private readonly report: (error: unknown, where: string) => void,
  ) {}

  /** Encodes a schema object as a message (kind byte, class id, fields); a copy the caller may keep. */
  encode(msg: object): Uint8Array {
    this.w.reset();
    writeMessage(this.w, this.schema, msg);
    return this.w.toBytes();
  }

  /** Decodes what `encode` wrote; null (reported) when the bytes are not a message of this schema. */
  decode(bytes: Uint8Array, where: string): { msg: object; typeName: string } | null {
    const r = this.r;
    try {
      r.reset(bytes);
      r.u8();
      const { codec, msg } = readMessageBody(r, this.schema);
      return { msg, typeName: codec.name };
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.report(new Error(`${where}: not a message of this schema (another node runs a different schema?): ${e.message}`), where);
      return null;
    }
  }

  async publish(topic: string, msg: object): Promise<number> {
    checkTopic('publish', topic);
    const bytes = this.encode(msg);
    if (this.cluster) return this.cluster.publish(topic, bytes);
    const entry = this.topics.get(topic);
    if (entry === undefined) return 0;
    // Asynchronous as across a cluster: a handler never runs inside publish's caller.
    queueMicrotask(() => this.dispatch(topic, bytes));
    return 1;
  }

  async subscribe(topic: string, handler: TopicHandler): Promise<() => Promise<void>> {
    checkTopic('subscribe', topic);
    let entry = this.topics.get(topic);
    if (entry === undefined) {
      const cluster = this.cluster;
      const unsubscribe = cluster ? cluster.subscribe(topic, (bytes) => this.dispatch(topic, bytes)) : Promise.resolve(null);
      entry = { handlers: new Set(), unsubscribe };
      this.topics.set(topic, entry);
      unsubscribe.catch(() => this.topics.get(topic) === entry && this.topics.delete(topic));
    }
    entry.handlers.add(handler);
    await entry.unsubscribe;
    const held = entry;
    return async () => {
      if (!held.handlers.delete(handler) || held.handlers.size > 0) return;
      if (this.topics.get(topic) === held) this.topics.delete(topic);
      const off = await held.unsubscribe;
      if (off) await off();
    };
  }

  private dispatch(topic: string, bytes: Uint8Array): void {
    const entry = this.topics.get(topic);
    if (entry === undefined) return;
    const m = this.decode(bytes, `topic ${JSON.stringify(topic)}`);
    if (m === null) return;
    for (const h of entry.handlers) {
      try {
        h(m.msg, m.typeName);
      } catch (e) {
        this.report(e, `subscribe(${JSON.stringify(topic)}) handler`);
      }
    }
  }
}
