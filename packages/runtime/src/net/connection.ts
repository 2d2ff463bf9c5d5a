import type { SchemaModule } from '../codec/schema-module.js';
import {
  C_LEAVE, C_MANIFEST, C_PING, C_PONG, C_RESYNC, CloseCode, FINAL_CLOSE_CODES, PROTOCOL_VERSION, S_ERROR, S_MANIFEST_REQUEST, S_MESSAGE,
  S_OWNED, S_PING, S_PONG, S_REDIRECT, S_WELCOME, messageCodec, readOwned, readError, readMessageBody, readRedirect, readWelcome, writeJoin, writeMessage,
  writePing, type Redirect, type Welcome,
} from '../protocol/messages.js';
import { FRAME_ROOM } from '../protocol/room-frame.js';
import { FRAME_FULL, FRAME_PATCH } from '../state/frame-kind.js';
import { schemaModuleOf } from '../state/link.js';
import { ReplicaWorld, type FrameChanges } from '../state/replica-world.js';
import { DecodeError } from '../wire/decode-error.js';
import { Reader, type ReaderLimits } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { backoffDelay, reconnectOptions, type ReconnectOptions } from './backoff.js';
import { ChangedFields } from './changed-fields.js';
import { ConnectionStats } from './client-stats.js';
import { EventQueue } from './event-queue.js';
import { ServerError } from './server-error.js';
import { OPEN, messageBytes, webSocketConstructor, type WebSocketConstructor, type WebSocketLike } from './web-socket.js';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectOptions {
  /** Room name (joins or creates one) or room id. Reconnects ask for it again; the resume token finds the session. */
  room: string;
  /** Given to the room's `onJoin`, as JSON. Default `{}`. */
  options?: unknown;
  /** WebSocket implementation. Default `globalThis.WebSocket`; on Node 20 pass `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor;
  /** Retry policy after an unexpected close; `false` never reconnects. */
  reconnect?: false | Partial<ReconnectOptions>;
  /** Client pings for `stats.rtt`, every this many ms once welcomed. Default 1000; 0 turns them off. */
  pingIntervalMs?: number;
  /** Queue events until `pump()` instead of dispatching them on arrival. */
  queueEvents?: boolean;
  /** Decoder limits for frames and messages from the server. */
  limits?: Partial<ReaderLimits>;
}

export interface ConnectedEvent {
  /** True when the server took over the session kept from a dropped connection. */
  resumed: boolean;
  clientId: number;
  roomId: string;
  roomName: string;
}

export interface DisconnectedEvent {
  /** WebSocket close code (1006: the connection failed or dropped without a close frame). */
  code: number;
  reason: string;
  willReconnect: boolean;
}

/** A retry is scheduled: for a "reconnecting…" display. */
export interface ReconnectingEvent {
  /** 1 for the first retry after a welcome (or after the first failed connection). */
  attempt: number;
  /** When this retry starts, ms from now. */
  delayMs: number;
  /** How long the connection has been down, ms. */
  downMs: number;
}

export interface FrameEvent {
  /** Server tick the frame was built in (0 for frames without one). */
  tick: number;
  /** Highest input sequence number (`send`'s result) the server had processed. */
  inputAck: number;
  added: readonly number[];
  changed: readonly number[];
  removed: readonly number[];
}

/** The entities this client gained or lost ownership of (ids, sorted). */
export interface OwnedEvent {
  added: readonly number[];
  removed: readonly number[];
  /** The server re-sent the whole owned set (after a reset frame: a join, resume or resync). */
  reset: boolean;
}

/** Events of a Connection, with their listeners' arguments. Entities are replica objects. */
export interface ConnectionEvents {
  connected: (e: ConnectedEvent) => void;
  disconnected: (e: DisconnectedEvent) => void;
  /** After each `disconnected` that will reconnect: the retry's number and delay. */
  reconnecting: (e: ReconnectingEvent) => void;
  error: (error: Error) => void;
  frame: (e: FrameEvent) => void;
  message: (msg: object, typeName: string) => void;
  add: (entity: object, id: number) => void;
  /** `fields`: names of the fields the frame changed (shared and frozen: copy to keep). */
  change: (entity: object, id: number, fields: readonly string[]) => void;
  remove: (entity: object, id: number) => void;
  /** Ownership changed: always after the frame that carries the entities, so they are in the replica (except under a byte budget: see docs/client.md). */
  owned: (e: OwnedEvent) => void;
}

/** A schema class: decorated or generated replica; matched by name. */
export type SchemaClass<T> = abstract new (...args: never[]) => T;

const noop = (): void => {};
/** Redirects followed in a row without a welcome: more means nodes disagree, and the join fails. */
const MAX_REDIRECTS = 4;

/**
 * A client's connection to a room: joins, keeps a ReplicaWorld up to date, sends typed
 * messages, answers pings, and reconnects with the resume token after a drop.
 *
 * Event order. Per state frame: every `remove`, then every `add`, then every `change`, then one
 * `frame`. The replica is updated before the first of them. Per connection: `connected` at each
 * welcome; `disconnected` at each close, with `willReconnect`; exactly one `disconnected` with
 * `willReconnect: false`, when the connection ends for good (after which nothing is emitted).
 * An S_ERROR before a final close comes as `error` first. With `queueEvents` everything waits
 * for `pump()`, in this same order. Listeners that throw are reported and do not stop the others.
 */
export class Connection {
  readonly schema: SchemaModule;
  /** The room state as this client sees it; updated as frames arrive, even with `queueEvents`. */
  readonly replica: ReplicaWorld;
  readonly stats: ConnectionStats;
  private readonly WS: WebSocketConstructor;
  private readonly room: string;
  private readonly joinOptions: string;
  private readonly retry: ReconnectOptions | null;
  private readonly pingIntervalMs: number;
  private readonly events: EventQueue<ConnectionEvents>;
  private readonly fields = new ChangedFields();
  private readonly _owned = new Set<number>();
  // One writer for every outgoing message, one reader for every control message.
  private readonly w = new Writer(256);
  private readonly r: Reader;
  private ws: WebSocketLike | null = null;
  /** Where joins start (several: a cluster's nodes, tried in turn while one is down). */
  private readonly entries: readonly string[];
  /** The URL of the open (or opening) socket. */
  private socketUrl = '';
  /** The node that welcomed this client: a reconnect tries it first, where the session is held. */
  private sessionUrl = '';
  /** An S_REDIRECT received on this socket: the close that follows opens its URL. */
  private redirect: Redirect | null = null;
  private redirects = 0;
  private state: ConnectionStatus = 'connecting';
  private welcome: Welcome | null = null;
  private token = '';
  private seq = 0;
  /** Failed attempts since the last welcome. */
  private attempt = 0;
  /** When the first of them failed (performance.now()), or -1. */
  private downSince = -1;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  /** A frame failed and C_RESYNC went out: until a reset frame arrives, the replica is suspect. */
  private resyncPending = false;
  /** The last S_ERROR on this socket: the reason ready() gives if a final close follows. */
  private serverError: ServerError | null = null;
  private welcomed = false;
  private framed = false;
  private readyResult: true | Error | undefined;
  private readyPromise: Promise<void> | undefined;
  private resolveReady: (() => void) | undefined;
  private rejectReady: ((e: Error) => void) | undefined;

  /** The first entry URL. */
  readonly url: string;

  constructor(
    url: string | readonly string[],
    schema: SchemaModule | { netschema: SchemaModule },
    options: ConnectOptions,
  ) {
    this.entries = typeof url === 'string' ? [url] : [...url];
    if (this.entries.length === 0 || this.entries.some((u) => typeof u !== 'string')) throw new TypeError('connect: url: expected a WebSocket URL or a non-empty list of them');
    this.url = this.entries[0]!;
    this.schema = schemaModuleOf(schema);
    this.WS = webSocketConstructor(options.WebSocket);
    if (typeof options.room !== 'string') throw new TypeError(`connect: options.room: expected a room name or id, got ${typeof options.room}`);
    this.room = options.room;
    this.joinOptions = JSON.stringify(options.options ?? {});
    this.retry = reconnectOptions(options.reconnect);
    this.pingIntervalMs = options.pingIntervalMs ?? 1000;
    if (!(this.pingIntervalMs >= 0)) throw new RangeError(`connect: pingIntervalMs: expected ms >= 0, got ${options.pingIntervalMs}`);
    this.events = new EventQueue<ConnectionEvents>(options.queueEvents === true);
    this.replica = new ReplicaWorld(this.schema, options.limits);
    this.r = new Reader(new Uint8Array(0), options.limits);
    this.stats = new ConnectionStats(() => performance.now());
    this.open(true);
  }

  get status(): ConnectionStatus {
    return this.state;
  }
  /** From the last welcome (0 / '' before the first). */
  /**
   * Ids of the entities this client owns (`room.add(e, { owner })` / `setOwner` on the server),
   * kept up to date by the server's ownership messages; look them up with `replica.get(id)`.
   */
  get owned(): ReadonlySet<number> {
    return this._owned;
  }
  get clientId(): number {
    return this.welcome?.clientId ?? 0;
  }
  get roomId(): string {
    return this.welcome?.roomId ?? '';
  }
  get roomName(): string {
    return this.welcome?.roomName ?? '';
  }
  /** The URL of the node this client is connected (or connecting) to: an entry, or where a cluster redirected it. */
  get nodeUrl(): string {
    return this.socketUrl;
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof ConnectionEvents>(event: K, fn: ConnectionEvents[K]): () => void {
    return this.events.on(event, fn);
  }

  /** Typed messages of one class (registered in order with `message` listeners). */
  onMessage<T extends object>(Type: SchemaClass<T>, fn: (msg: T) => void): () => void {
    const name = this.className(Type, 'onMessage');
    return this.on('message', (msg, typeName) => {
      if (typeName === name) fn(msg as T);
    });
  }
  onAdd<T extends object>(Type: SchemaClass<T>, fn: (entity: T, id: number) => void): () => void {
    const name = this.className(Type, 'onAdd');
    return this.on('add', (e, id) => {
      if (e.constructor.name === name) fn(e as T, id);
    });
  }
  onChange<T extends object>(Type: SchemaClass<T>, fn: (entity: T, id: number, fields: readonly string[]) => void): () => void {
    const name = this.className(Type, 'onChange');
    return this.on('change', (e, id, fields) => {
      if (e.constructor.name === name) fn(e as T, id, fields);
    });
  }
  onRemove<T extends object>(Type: SchemaClass<T>, fn: (entity: T, id: number) => void): () => void {
    const name = this.className(Type, 'onRemove');
    return this.on('remove', (e, id) => {
      if (e.constructor.name === name) fn(e as T, id);
    });
  }

  /**
   * Sends a typed message (an instance of a schema class); returns its sequence number, which
   * frames acknowledge (`replica.lastInputSeq`). While not connected the message is dropped and
   * the result is -1: state converges from the server's frames after a reconnect.
   */
  send(msg: object): number {
    messageCodec(this.schema, msg); // a wrong class is a bug: throw even while disconnected
    if (this.state !== 'open' || this.ws?.readyState !== OPEN) return -1;
    const seq = this.seq + 1;
    this.w.reset();
    writeMessage(this.w, this.schema, msg, seq);
    this.seq = seq;
    this.flush();
    return seq;
  }

  /** Dispatches queued events (with `queueEvents`), in arrival order; returns how many. */
  pump(): number {
    return this.events.pump();
  }

  /** Resolves once welcomed and the first frame is applied; rejects if the connection ends first. */
  ready(): Promise<void> {
    if (this.readyPromise === undefined) {
      const r = this.readyResult;
      this.readyPromise =
        r === true ? Promise.resolve()
        : r !== undefined ? Promise.reject(r)
        : new Promise<void>((resolve, reject) => {
            this.resolveReady = resolve;
            this.rejectReady = reject;
          });
    }
    return this.readyPromise;
  }

  /** Leaves the room for good: C_LEAVE, close 1000, no reconnect. */
  close(): void {
    if (this.state === 'closed') return;
    const ws = this.ws;
    if (ws !== null) {
      this.control(C_LEAVE);
      this.ws = null;
      detach(ws);
      ws.close(1000);
    }
    this.finish(1000, 'closed by the client');
  }

  // ── the socket ──

  /**
   * Where the next socket goes: a redirect's node; else, on the first retry after a welcome, the
   * node holding the session; else the entries in turn (a node that died is skipped by the next).
   */
  private nextUrl(): string {
    if (this.redirect !== null) return this.redirect.url;
    if (this.sessionUrl !== '' && this.attempt <= 1) return this.sessionUrl;
    return this.entries[(this.sessionUrl === '' ? this.attempt : this.attempt - 2) % this.entries.length]!;
  }

  private open(first: boolean): void {
    this.serverError = null;
    let ws: WebSocketLike;
    const url = this.nextUrl();
    this.socketUrl = url;
    try {
      ws = new this.WS(url);
    } catch (err) {
      if (first) throw err; // a bad URL: the caller's bug
      this.fail(err);
      this.dropped(1006, 'could not open the socket');
      return;
    }
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      if (this.ws === ws) this.join();
    };
    ws.onmessage = (ev: { data: unknown }) => {
      if (this.ws === ws) this.receive(ev.data);
    };
    ws.onclose = (ev: { code?: number; reason?: string }) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.dropped(ev.code ?? 1006, ev.reason ?? '');
    };
    // The close event that follows carries the code; `ws` throws on an error nobody listens to.
    ws.onerror = noop;
    this.ws = ws;
  }

  private join(): void {
    this.w.reset();
    writeJoin(this.w, {
      protocol: PROTOCOL_VERSION,
      fingerprint: this.schema.fingerprint,
      room: this.room,
      resumeToken: this.token,
      // A suspect replica asks for everything again: no server frame has tick 0.
      lastTick: this.resyncPending ? 0 : this.replica.serverTick,
      options: this.joinOptions,
      seat: this.redirect?.seat ?? '',
    });
    // Used once: if this socket fails, the retry starts over from the entries.
    this.redirect = null;
    this.flush();
  }

  /** An unexpected close: retry with backoff, or end. */
  private dropped(code: number, reason: string): void {
    this.stopPing();
    if (code === CloseCode.REDIRECT && this.redirect !== null) {
      // Part of joining, not a drop: no events, no backoff.
      if (++this.redirects > MAX_REDIRECTS) {
        this.fail(new Error(`more than ${MAX_REDIRECTS} redirects in a row, the last to ${this.redirect.url}: the cluster's nodes disagree on where the room is`));
        this.finish(code, reason);
        return;
      }
      this.open(false);
      return;
    }
    this.redirect = null;
    // A redirected socket that failed is a drop like any other: the backoff paces the next try.
    this.redirects = 0;
    const retry = this.retry;
    const now = performance.now();
    if (this.downSince < 0) this.downSince = now;
    const downMs = now - this.downSince;
    if (FINAL_CLOSE_CODES.has(code) || retry === null || this.attempt >= retry.retries || downMs >= retry.giveUpAfterMs) {
      this.finish(code, reason);
      return;
    }
    const delay = backoffDelay(this.attempt++, retry);
    this.state = 'reconnecting';
    this.events.emit('disconnected', { code, reason, willReconnect: true } satisfies DisconnectedEvent);
    this.events.emit('reconnecting', { attempt: this.attempt, delayMs: delay, downMs } satisfies ReconnectingEvent);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open(false);
    }, delay);
  }

  private finish(code: number, reason: string): void {
    this.state = 'closed';
    this.stopPing();
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.events.emit('disconnected', { code, reason, willReconnect: false } satisfies DisconnectedEvent);
    // Nothing after the last event, not even the rest of a frame whose listener called close().
    this.events.end();
    this.settleReady(this.serverError ?? new Error(`connection closed before it was ready: ${code}${reason ? ` ${reason}` : ''}`));
  }

  // ── incoming ──

  private receive(data: unknown): void {
    this.stats.messagesIn++;
    const bytes = messageBytes(data);
    if (bytes === undefined) {
      this.fail(new TypeError(`expected a binary message, got ${typeof data === 'string' ? 'text' : String(data)}`));
      return;
    }
    this.stats.bytesIn += bytes.length;
    try {
      this.handle(bytes);
    } catch (err) {
      // Hostile or corrupt input costs an error event, never an exception in the socket's handler.
      this.fail(err);
    }
  }

  private handle(bytes: Uint8Array): void {
    const kind = bytes[0];
    if (kind === undefined) throw new DecodeError('empty message', 0, 'a kind byte', '0 bytes');
    if (kind === FRAME_FULL || kind === FRAME_PATCH || kind === FRAME_ROOM) {
      this.frame(bytes);
      return;
    }
    const r = this.r;
    r.reset(bytes);
    r.u8();
    switch (kind) {
      case S_WELCOME:
        this.onWelcome(readWelcome(r));
        return;
      case S_MESSAGE: {
        const { codec, msg } = readMessageBody(r, this.schema);
        this.events.emit('message', msg, codec.name);
        return;
      }
      case S_ERROR: {
        const e = readError(r);
        this.serverError = new ServerError(e.code, e.message);
        this.events.emit('error', this.serverError);
        return;
      }
      case S_PING:
        this.control(C_PONG, r.varuint());
        return;
      case S_PONG:
        this.stats.pong(r.varuint());
        return;
      case S_OWNED:
        this.onOwned(readOwned(r));
        return;
      case S_REDIRECT:
        this.redirect = readRedirect(r);
        return;
      case S_MANIFEST_REQUEST:
        this.w.reset();
        this.w.reserve(1);
        this.w.u8(C_MANIFEST);
        this.w.string(JSON.stringify(this.schema.manifest));
        this.flush();
        return;
      default:
        throw new DecodeError('unknown message kind', 0, `a frame (${FRAME_FULL}-${FRAME_ROOM}) or a server message (${S_WELCOME}-${S_REDIRECT})`, String(kind));
    }
  }

  private onOwned(news: { reset: boolean; added: number[]; removed: number[] }): void {
    const owned = this._owned;
    let removed = news.removed.filter((id) => owned.has(id));
    if (news.reset) {
      removed = [];
      // The full set: what was owned and is not listed any more is lost.
      const now = new Set(news.added);
      for (const id of owned) if (!now.has(id)) removed.push(id);
      removed.sort((a, b) => a - b);
    }
    const added = news.added.filter((id) => !owned.has(id));
    for (const id of removed) owned.delete(id);
    for (const id of added) owned.add(id);
    this.events.emit('owned', { added, removed, reset: news.reset } satisfies OwnedEvent);
  }

  private onWelcome(w: Welcome): void {
    // A fresh join (not a resume) starts owning nothing; a resume keeps the set, and the server
    // re-sends it whole after its reset frame.
    if (!w.resumed && this._owned.size > 0) {
      const removed = [...this._owned].sort((a, b) => a - b);
      this._owned.clear();
      this.events.emit('owned', { added: [], removed, reset: true } satisfies OwnedEvent);
    }
    this.welcome = w;
    this.token = w.resumeToken;
    this.sessionUrl = this.socketUrl;
    this.redirects = 0;
    this.attempt = 0;
    this.downSince = -1;
    this.serverError = null;
    this.state = 'open';
    this.startPing();
    this.events.emit('connected', { resumed: w.resumed, clientId: w.clientId, roomId: w.roomId, roomName: w.roomName } satisfies ConnectedEvent);
    this.welcomed = true;
    if (this.framed) this.settleReady(true);
  }

  private frame(bytes: Uint8Array): void {
    const replica = this.replica;
    const before = replica.entities;
    let ch: FrameChanges;
    try {
      ch = replica.apply(bytes);
    } catch (err) {
      this.fail(err);
      // The replica may be half-patched: ask once for everything, whole. Later frames still
      // apply (and may fail) until the reset frame clears the replica.
      if (!this.resyncPending) {
        this.resyncPending = true;
        this.control(C_RESYNC);
      }
      return;
    }
    if (this.resyncPending && replica.lastFrameReset) this.resyncPending = false;
    this.stats.frame();
    const ev = this.events;
    // A full frame replaces the entity map: every entity it held is gone (new objects arrive as adds).
    const replaced = replica.entities !== before;
    if (ev.has('remove')) {
      if (replaced) for (const [id, o] of before) ev.emit('remove', o, id);
      else {
        const gone = replica.removedEntities;
        for (let i = 0; i < gone.length; i++) if (gone[i] !== undefined) ev.emit('remove', gone[i], ch.removed[i]);
      }
    }
    if (ev.has('add')) {
      for (const id of ch.added) {
        const o = replica.get(id);
        if (o !== undefined) ev.emit('add', o, id);
      }
    }
    if (ev.has('change')) {
      for (let i = 0; i < ch.changed.length; i++) {
        const id = ch.changed[i]!;
        const o = replica.get(id);
        const codec = o && this.schema.byName.get(o.constructor.name);
        if (codec !== undefined) ev.emit('change', o, id, this.fields.names(codec, ch.masks[2 * i]!, ch.masks[2 * i + 1]!));
      }
    }
    if (ev.has('frame')) {
      const removed = replaced ? [...before.keys()] : ch.removed;
      ev.emit('frame', { tick: replica.serverTick, inputAck: replica.lastInputSeq, added: ch.added, changed: ch.changed, removed } satisfies FrameEvent);
    }
    if (!this.framed) {
      this.framed = true;
      if (this.welcomed) this.settleReady(true);
    }
  }

  // ── outgoing ──

  /** A one-byte control message, or a ping/pong with its id. */
  private control(kind: number, id?: number): void {
    this.w.reset();
    if (id === undefined) {
      this.w.reserve(1);
      this.w.u8(kind);
    } else writePing(this.w, kind, id);
    this.flush();
  }

  /** Sends what the writer holds, if the socket is open. */
  private flush(): void {
    const ws = this.ws;
    if (ws === null || ws.readyState !== OPEN) return;
    // A copy: `ws` may queue the bytes (compression in progress) while the writer is reused.
    const bytes = this.w.toBytes();
    ws.send(bytes);
    this.stats.bytesOut += bytes.length;
    this.stats.messagesOut++;
  }

  private startPing(): void {
    this.stopPing();
    if (this.pingIntervalMs > 0) this.pingTimer = setInterval(() => this.control(C_PING, this.stats.ping()), this.pingIntervalMs);
  }

  private stopPing(): void {
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  // ── helpers ──

  private fail(err: unknown): void {
    this.events.emit('error', err instanceof Error ? err : new Error(String(err)));
  }

  private settleReady(result: true | Error): void {
    if (this.readyResult !== undefined) return;
    this.readyResult = result;
    if (result === true) this.resolveReady?.();
    else this.rejectReady?.(result);
  }

  private className(Type: SchemaClass<object>, where: string): string {
    const name = Type.name;
    if (!this.schema.byName.has(name)) {
      throw new TypeError(`${where}: ${name || 'the class'} is not a class of this schema (fingerprint ${this.schema.fingerprint}); pass a @schema class or its generated replica class`);
    }
    return name;
  }
}

function detach(ws: WebSocketLike): void {
  ws.onopen = noop;
  ws.onmessage = noop;
  ws.onclose = noop;
}

/**
 * Opens a connection to `url` and joins `options.room`. Several URLs (a cluster's nodes) are
 * entries tried in turn while one is down; a cluster may redirect the join to another node. The connection retries on its own after
 * unexpected closes; listen to its events, or `await conn.ready()` for the first welcome and frame.
 */
export function connect(url: string | readonly string[], schema: SchemaModule | { netschema: SchemaModule }, options: ConnectOptions): Connection {
  return new Connection(url, schema, options);
}
