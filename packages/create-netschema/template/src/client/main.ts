// The browser client: generated codecs and @netschema/runtime/client only (no decorated classes:
// the browser never needs them, and Vite does not lower standard decorators).
import { connect } from '@netschema/runtime/client';
import * as schema from '../state.netschema.js';

const port = import.meta.env.VITE_GAME_PORT ?? '2567';
const conn = connect(`ws://${location.hostname}:${port}/ws`, schema, { room: 'game' });
const canvas = document.querySelector('canvas')!;
const ctx = canvas.getContext('2d')!;
const keys = new Set<string>();
addEventListener('keydown', (e) => keys.add(e.key.toLowerCase()));
addEventListener('keyup', (e) => keys.delete(e.key.toLowerCase()));

function frame(): void {
  const dx = (keys.has('arrowright') || keys.has('d') ? 4 : 0) - (keys.has('arrowleft') || keys.has('a') ? 4 : 0);
  const dy = (keys.has('arrowdown') || keys.has('s') ? 4 : 0) - (keys.has('arrowup') || keys.has('w') ? 4 : 0);
  if ((dx !== 0 || dy !== 0) && conn.status === 'open') conn.send(Object.assign(new schema.Move(), { dx, dy }));

  ctx.fillStyle = '#10151c';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const positions: string[] = [];
  for (const [id, entity] of conn.replica.entities) {
    const p = entity as schema.Player;
    const mine = conn.owned.has(id);
    ctx.fillStyle = mine ? '#4ade80' : p.name === 'bot' ? '#f59e0b' : '#60a5fa';
    ctx.beginPath();
    ctx.arc(p.x, p.y, 12, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#e5e7eb';
    ctx.fillText(mine ? `${p.name} (you)` : p.name, p.x + 16, p.y + 4);
    positions.push(`${id}:${Math.round(p.x)},${Math.round(p.y)}`);
  }
  // What the page shows, readable by tests and tools.
  canvas.dataset.players = positions.join(' ');
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
