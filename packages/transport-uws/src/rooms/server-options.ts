import type { SchemaModule } from '@netschema/runtime';
import type { UpgradeRequest } from '../uws-server.js';
import type { InspectorOptions } from '../inspector/inspector.js';
import type { LimitOptions } from './limits.js';
import type { ClusterAdapter } from '../cluster/cluster-adapter.js';

export interface NetServerOptions extends LimitOptions {
  /** The generated schema module (`import * as schema from './state.netschema.js'`). */
  schema: SchemaModule | { netschema: SchemaModule };
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port (read `server.port`). */
  port?: number;
  /** The WebSocket endpoint. Default `/ws`. */
  path?: string;
  /**
   * Authentication at upgrade time: receives headers, query and address, returns the user data
   * rooms see as `client.user`, or throws `UpgradeRejection(401 | 403, reason)`.
   */
  auth?: (req: UpgradeRequest) => unknown;
  /**
   * Who a user is, from what `auth` returned: a resume token works only for the identity it was
   * issued to. Default: a primitive user itself, else its primitive `id` property, else
   * undefined (which matches only another connection without an identity).
   */
  identify?: (user: unknown) => unknown;
  /**
   * The client's address for the per-address limits. Default: the socket's peer address. Behind
   * a proxy, read the header it sets (`X-Forwarded-For`), and only if you trust the proxy.
   */
  clientAddress?: (req: UpgradeRequest) => string;
  /** Largest message a client may send, bytes. Default 64 KiB (a manifest fits). Bigger ones drop the connection. */
  maxPayloadLength?: number;
  /**
   * Largest join or manifest message, bytes (a manifest grows with the schema). Default 256 KiB.
   * Anything above both limits is refused by uWS itself, which drops the connection (1006).
   */
  maxHandshakeLength?: number;
  /**
   * Seconds without any message from a joined client (it answers the server's pings, so only a
   * dead or stuck one goes quiet) before it is closed with 4012. 0 disables it. Default 30.
   * uWS's own idle timeout stays behind it as a backstop.
   */
  idleTimeout?: number;
  /** Bytes uWS may queue per client before refusing sends: bounds memory per slow client. Default 1 MiB. */
  maxBackpressure?: number;
  /** Buffered bytes above which a client's frames are skipped until it drains. Default 64 KiB. */
  pauseBytes?: number;
  /** A client that stays congested this long (ms) is disconnected. Default 10000. */
  stuckMs?: number;
  /** Time (ms) a connection has to send its join. Default 10000. */
  joinTimeoutMs?: number;
  /** How long (ms) a dropped client's session is kept for a resume. Default 10000. */
  resumeGraceMs?: number;
  /** Messages per second a client may send on average (inputs at 60 Hz fit). Default 120. */
  messageRate?: number;
  /** Burst above the average rate. Default 240. */
  messageBurst?: number;
  /** Bad messages (unknown, malformed, unhandled) a client may send before it is disconnected. Default 10. */
  maxErrors?: number;
  /** Server-to-client ping period, ms, for RTT. Default 1000. */
  pingIntervalMs?: number;
  /** Accept uWS's slow JS fallback instead of refusing to start. */
  allowFallback?: boolean;
  /**
   * Opt-in inspector: a web page on its own port (127.0.0.1 unless `host` says otherwise) listing
   * rooms and clients with their traffic, bytes per class and per field. `auth` is required.
   * See docs/server.md, "Inspector".
   */
  inspector?: InspectorOptions;
  /**
   * Run as one node of a cluster: rooms registered in a shared registry, joins through any node
   * (redirected to the node holding the room), resume across nodes, publish/subscribe between
   * nodes. `redisCluster()` from @netschema/cluster-redis. See docs/cluster.md.
   */
  cluster?: ClusterAdapter;
  /**
   * The URL clients reach this node at, which other nodes redirect to. Default
   * `ws://<host>:<port><path>`; behind TLS or a proxy, say `wss://game-3.example.com/ws`.
   */
  publicUrl?: string;
  /**
   * A port this server also listens on, shared with other processes on the machine given the
   * same one (SO_REUSEPORT: Linux spreads new connections over them, by a hash of the client's
   * address, not by load). The nodes of one machine behind one public port; each keeps `port`
   * for redirects. See docs/cluster.md.
   */
  sharedPort?: number;
  /** This node's load, for placing new rooms on the least loaded node (read every heartbeat). Default: its clients. */
  load?: () => number;
  /** Errors thrown by room hooks and handlers. Default: console.error. */
  onError?: (error: unknown, where: string) => void;
}

/** One room in `server.rooms()`. */
export interface RoomListing {
  id: string;
  name: string;
  clients: number;
  maxClients: number;
  /** Present on rooms joinable by id only. */
  private?: true;
  /** Present on locked rooms (joins by name skip them). */
  locked?: true;
}
