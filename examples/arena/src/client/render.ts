// Canvas drawing: the arena around the own player, and the minimap. Pure drawing from a scene
// description; nothing here knows about the network.
import { PickupKind } from '../state.netschema.js';

export interface PlayerSprite {
  x: number;
  y: number;
  angle: number;
  name: string;
  bot: boolean;
  me: boolean;
  alive: boolean;
  /** 1 right after a hit, fading to 0. */
  flash: number;
}

export interface Scene {
  /** Camera centre (the own player), world units. */
  cx: number;
  cy: number;
  worldSize: number;
  viewRadius: number;
  players: PlayerSprite[];
  pickups: { x: number; y: number; kind: PickupKind }[];
  /** Shot tracers; `age` 0 (new) to 1 (gone). */
  tracers: { x: number; y: number; toX: number; toY: number; age: number }[];
}

const COLORS = { me: '#a3be8c', human: '#88c0d0', bot: '#d08770', dead: '#4c566a', grid: '#1c222c', wall: '#5e81ac', view: '#ebcb8b' };

/** Screen pixels per world unit: the view radius (and a margin) fits the smaller side. */
export function scaleFor(width: number, height: number, viewRadius: number): number {
  return Math.min(width, height) / (2 * viewRadius * 1.08);
}

export function drawScene(ctx: CanvasRenderingContext2D, width: number, height: number, s: Scene): void {
  const k = scaleFor(width, height, s.viewRadius);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#11151c';
  ctx.fillRect(0, 0, width, height);
  ctx.setTransform(k, 0, 0, k, width / 2 - s.cx * k, height / 2 - s.cy * k);

  // Floor grid every 100 units, and the world's walls.
  const x0 = Math.max(0, Math.floor((s.cx - width / 2 / k) / 100) * 100);
  const x1 = Math.min(s.worldSize, s.cx + width / 2 / k);
  const y0 = Math.max(0, Math.floor((s.cy - height / 2 / k) / 100) * 100);
  const y1 = Math.min(s.worldSize, s.cy + height / 2 / k);
  ctx.strokeStyle = COLORS.grid;
  ctx.lineWidth = 1 / k;
  ctx.beginPath();
  for (let x = x0; x <= x1; x += 100) ctx.moveTo(x, y0), ctx.lineTo(x, y1);
  for (let y = y0; y <= y1; y += 100) ctx.moveTo(x0, y), ctx.lineTo(x1, y);
  ctx.stroke();
  ctx.strokeStyle = COLORS.wall;
  ctx.lineWidth = 4 / k;
  ctx.strokeRect(0, 0, s.worldSize, s.worldSize);

  // The area of interest: the server sends only what is inside this circle.
  ctx.strokeStyle = COLORS.view;
  ctx.globalAlpha = 0.35;
  ctx.setLineDash([8 / k, 8 / k]);
  ctx.beginPath();
  ctx.arc(s.cx, s.cy, s.viewRadius, 0, Math.PI * 2);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;

  for (const p of s.pickups) {
    ctx.fillStyle = p.kind === PickupKind.Health ? '#bf616a' : '#ebcb8b';
    ctx.fillRect(p.x - 9, p.y - 9, 18, 18);
    ctx.fillStyle = '#11151c';
    ctx.fillRect(p.x - (p.kind === PickupKind.Health ? 2 : 6), p.y - 6, p.kind === PickupKind.Health ? 4 : 12, 12);
    if (p.kind === PickupKind.Health) ctx.fillRect(p.x - 6, p.y - 2, 12, 4);
  }

  for (const t of s.tracers) {
    ctx.strokeStyle = `rgba(236, 239, 244, ${(1 - t.age).toFixed(2)})`;
    ctx.lineWidth = 2 / k;
    ctx.beginPath();
    ctx.moveTo(t.x, t.y);
    ctx.lineTo(t.toX, t.toY);
    ctx.stroke();
  }

  ctx.textAlign = 'center';
  ctx.font = `${12 / k}px ui-monospace, monospace`;
  for (const p of s.players) {
    const color = !p.alive ? COLORS.dead : p.me ? COLORS.me : p.bot ? COLORS.bot : COLORS.human;
    ctx.fillStyle = p.flash > 0 ? mix(color, '#ffffff', p.flash) : color;
    ctx.beginPath();
    ctx.arc(p.x, p.y, 14, 0, Math.PI * 2);
    ctx.fill();
    if (p.alive) {
      ctx.strokeStyle = color;
      ctx.lineWidth = 4 / k;
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      ctx.lineTo(p.x + Math.cos(p.angle) * 24, p.y + Math.sin(p.angle) * 24);
      ctx.stroke();
    }
    ctx.fillStyle = '#d8dee9';
    ctx.fillText(p.alive ? p.name : `${p.name} ✝`, p.x, p.y - 20);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

/** The whole world small: the own position, the view circle, and every entity the client knows. */
export function drawMinimap(ctx: CanvasRenderingContext2D, size: number, s: Scene): void {
  const k = size / s.worldSize;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, size, size);
  ctx.fillStyle = 'rgba(235, 203, 139, 0.12)';
  ctx.strokeStyle = COLORS.view;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.arc(s.cx * k, s.cy * k, s.viewRadius * k, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
  for (const p of s.pickups) {
    ctx.fillStyle = p.kind === PickupKind.Health ? '#bf616a' : '#ebcb8b';
    ctx.fillRect(p.x * k - 1, p.y * k - 1, 2, 2);
  }
  for (const p of s.players) {
    ctx.fillStyle = p.me ? COLORS.me : p.bot ? COLORS.bot : COLORS.human;
    ctx.fillRect(p.x * k - (p.me ? 2 : 1.5), p.y * k - (p.me ? 2 : 1.5), p.me ? 4 : 3, p.me ? 4 : 3);
  }
}

function mix(a: string, b: string, t: number): string {
  const pa = parseInt(a.slice(1), 16);
  const pb = parseInt(b.slice(1), 16);
  const ch = (shift: number) => Math.round(((pa >> shift) & 255) * (1 - t) + ((pb >> shift) & 255) * t);
  return `rgb(${ch(16)}, ${ch(8)}, ${ch(0)})`;
}
