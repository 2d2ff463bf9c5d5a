// What a NetServer needs from a cluster: a room registry shared by every node, seat
// reservations, node liveness, and messages between nodes. @netschema/cluster-redis implements it
// on Redis; a single-process server has none and needs no change.

/** A room as the registry lists it. */
export interface RoomRecord {
  id: string;
  name: string;
  /** Sessions that take a place (see `heldCountsAgainstMaxClients`). */
  clients: number;
  maxClients: number;
  /** Joinable by id only. */
  private: boolean;
  /** Joins by name skip it (`room.lock()`). */
  locked: boolean;
}

/** A room of the cluster, with the node that holds it. */
export interface ClusterRoomListing extends RoomRecord {
  /** The id of the node that holds the room. */
  node: string;
  /** That node's WebSocket URL. */
  url: string;
}

/** Where the registry put a join. */
export type Placement =
  /** A seat in a room of this node. The room may not exist yet: create it with this id and name. */
  | { at: 'here'; roomId: string; name: string; seat: string }
  /** A seat in a room of another node: redirect the client there. */
  | { at: 'node'; url: string; roomId: string; seat: string }
  /** No seat: every room is full and no node takes new rooms, or no such room. */
  | { at: 'none'; reason: 'full' | 'not-found'; message: string };

/** What the adapter asks of the server it serves. */
export interface ClusterHost {
  /** This node's public WebSocket URL, where redirects send clients. */
  readonly url: string;
  /** This node's rooms, for (re-)registration after a start or a Redis restart. */
  rooms(): Iterable<RoomRecord>;
  /** This node's load for placing new rooms (least loaded first). */
  load(): number;
  /** A message sent to a room of this node by id (`server.sendToRoom` on any node). */
  roomMessage(roomId: string, bytes: Uint8Array): void;
  report(error: unknown, where: string): void;
}

/**
 * A cluster's shared state. Every method that returns a promise may reject when the registry is
 * unreachable: the server turns that into close code 4017 for the join that needed it. Nothing
 * on the tick path calls the adapter, so rooms keep running while the registry is down.
 */
export interface ClusterAdapter {
  /** This node's id, unique in the cluster; set by `start`. */
  readonly nodeId: string;
  /** Registers the node (its lease) and starts keeping it alive. */
  start(host: ClusterHost): Promise<void>;
  /**
   * A seat in a public, unlocked room named `name` with space on a live node, reserved
   * atomically; when none has space, a new room on the least loaded live node, with a seat.
   */
  placeByName(name: string, maxClients: number): Promise<Placement>;
  /** A seat in the room with this id, wherever it is. */
  placeById(roomId: string): Promise<Placement>;
  /**
   * A seat presented to this node by a redirected client: whether it is live and in a room of
   * this node (the room's name comes back, to create it if it does not exist yet).
   */
  claimSeat(roomId: string, seat: string): Promise<{ ok: true; name: string } | { ok: false; reason: string }>;
  /** The URL of a live node, or null when it has no lease. */
  nodeUrl(nodeId: string): Promise<string | null>;
  /** A room of this node changed (clients, flags); `usedSeat`: the seat the change consumed. Batched. */
  roomChanged(room: RoomRecord, usedSeat?: string): void;
  /** A room of this node was disposed. */
  roomClosed(roomId: string): void;
  /** Sends to every node subscribed to the topic; resolves with how many nodes received it. */
  publish(topic: string, bytes: Uint8Array): Promise<number>;
  /** Receives the topic's messages (once per publish on this node); resolves once subscribed. */
  subscribe(topic: string, fn: (bytes: Uint8Array) => void): Promise<() => Promise<void>>;
  /** Sends to a room by id on whatever node holds it; false when no live node holds it. */
  sendToRoom(roomId: string, bytes: Uint8Array): Promise<boolean>;
  /** The cluster's rooms on live nodes: all of them, or those of one name. */
  rooms(filter?: { name?: string }): Promise<ClusterRoomListing[]>;
  /** This node takes no new rooms and its rooms leave the name index (joinable by id and resume only). */
  drain(): Promise<void>;
  /** Removes the node and its rooms from the registry and closes the connections. */
  close(): Promise<void>;
}
