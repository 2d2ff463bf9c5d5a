// Client-side prediction with server reconciliation (Gabriel Gambetta's "Fast-Paced Multiplayer"):
// the own player moves at once on each input; each server frame brings the authoritative position
// and the last input the server applied (`replica.lastInputSeq`), and the inputs after it are
// applied again on top of that position.
import { applyInput } from '../rules.js';

interface PendingInput {
  seq: number;
  dx: number;
  dy: number;
}

/** Inputs kept while unacknowledged: 2 s at 60 per second. */
const MAX_PENDING = 120;

export class Predictor {
  x = 0;
  y = 0;
  readonly pending: PendingInput[] = [];
  /** Distance the last reconciliation moved the prediction (0 when the server agreed). */
  lastCorrection = 0;
  /** Reconciliations that moved the prediction by more than a unit. */
  corrections = 0;

  /** An input was sent with sequence number `seq`: apply it now. */
  input(seq: number, dx: number, dy: number): void {
    if (this.pending.length >= MAX_PENDING) this.pending.shift();
    this.pending.push({ seq, dx, dy });
    applyInput(this, dx, dy);
  }

  /** A frame: the server's position after applying inputs up to `ack`. */
  reconcile(serverX: number, serverY: number, ack: number): void {
    const p = this.pending;
    let drop = 0;
    while (drop < p.length && p[drop]!.seq <= ack) drop++;
    if (drop > 0) p.splice(0, drop);
    const oldX = this.x;
    const oldY = this.y;
    this.x = serverX;
    this.y = serverY;
    for (const i of p) applyInput(this, i.dx, i.dy);
    this.lastCorrection = Math.hypot(this.x - oldX, this.y - oldY);
    if (this.lastCorrection > 1) this.corrections++;
  }

  /** Start over at the server's position (first sight of the own player, respawn). */
  reset(x: number, y: number): void {
    this.pending.length = 0;
    this.x = x;
    this.y = y;
  }
}
