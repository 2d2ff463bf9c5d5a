// What the page exposes on `window.__arena` for tests and curious developers (the console).

export interface PlayerView {
  id: number;
  name: string;
  bot: boolean;
  clientId: number;
  alive: boolean;
  x: number;
  y: number;
  /** As the replica holds them: the real values on the own player, null on everyone else (@ownerOnly: never sent). */
  hp: number | null;
  ammo: number | null;
}

export interface ArenaDebug {
  /** The connection's client id (from the welcome). */
  clientId(): number;
  /** The room this page plays in ('' before the welcome) and the node serving it (in a cluster, where a join was redirected). */
  room(): { id: string; node: string };
  /** Entity id of the own player, 0 until it has arrived. */
  myId(): number;
  /** What the HUD shows (read from the page's HUD elements). */
  hud(): { name: string; hp: number; ammo: number; kills: number };
  /** Every player in the replica, raw (as last received). */
  players(): PlayerView[];
  /** Positions of every player in the replica, by id: the last received values. */
  positions(): Record<number, { x: number; y: number }>;
  /** Where entity `id` was drawn in the last animation frame (interpolated; predicted for the own player), or null. */
  interpolated(id: number): { x: number; y: number } | null;
  /** The own player's predicted position and unacknowledged inputs. */
  predicted(): { x: number; y: number; pending: number; corrections: number };
  stats(): { rtt: number; bytesIn: number; bytesOut: number; fps: number; framesIn: number; rendered: number; serverTick: number; inputAck: number };
  /** Holds (or releases) movement keys as the keyboard would: dx, dy each -1, 0 or 1. */
  setMove(dx: number, dy: number): void;
  /** Fires once in direction `angle` (radians), as a click would. */
  shoot(angle: number): void;
}

declare global {
  interface Window {
    __arena?: ArenaDebug;
  }
}
