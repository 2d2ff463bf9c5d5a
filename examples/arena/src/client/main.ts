// The browser client: connects, predicts the own player, interpolates everyone else, draws the
// arena, the minimap, the HUD and the net graph. It imports only the generated module and
// '@netschema/runtime/client' (no decorators), so any bundler can ship it.
import { connect, type Connection, type FrameEvent } from '@netschema/runtime/client';
import { INTERPOLATION_DELAY_MS, SHOT_COOLDOWN_MS, STEP_MS, VIEW_RADIUS, WORLD_SIZE } from '../rules.js';
import * as schema from '../state.netschema.js';
import type { ArenaDebug, PlayerView } from './debug.js';
import { Interpolator, RenderClock, type Pose } from './interpolation.js';
import { NetGraph } from './net-graph.js';
import { Predictor } from './prediction.js';
import { drawMinimap, drawScene, type PlayerSprite, type Scene } from './render.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/**
 * The WebSocket URL: `?ws=` if given; else this page's host with `?port=` (in a cluster, another
 * node's WebSocket port: the page plays through that node) or the port from /config.json.
 */
async function serverUrl(): Promise<string> {
  const q = new URLSearchParams(location.search);
  const given = q.get('ws');
  if (given) return given;
  const config = (await (await fetch('/config.json')).json()) as { wsPort: number; path: string };
  const port = q.get('port');
  if (port !== null && !/^\d{1,5}$/.test(port)) throw new Error(`?port=: expected a port number, got ${JSON.stringify(port)}`);
  const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${host}:${port ?? config.wsPort}${config.path}`;
}

class ArenaClient {
  readonly conn: Connection;
  myId = 0;
  arena: schema.Arena | null = null;
  readonly interp = new Interpolator();
  readonly clock = new RenderClock(INTERPOLATION_DELAY_MS);
  readonly predictor = new Predictor();
  readonly graph = new NetGraph();
  /** Where each player was drawn in the last animation frame. */
  readonly drawn = new Map<number, { x: number; y: number }>();
  rendered = 0;
  private lastTick = 0;
  private wasAlive = false;
  private readonly tracers: { x: number; y: number; toX: number; toY: number; at: number }[] = [];
  private readonly flashes = new Map<number, number>();
  private readonly feed: string[] = [];
  // input
  private readonly keys = new Set<string>();
  private forced: { dx: number; dy: number } | null = null;
  private mouse = { x: NaN, y: NaN, down: false };
  private aim = 0;
  private sentAim = -1;
  private nextShot = 0;
  /** A click or key press fires once even when released before the next step. */
  private fireQueued = false;
  private accumulator = 0;
  private lastFrameAt = NaN;
  private nextGraphAt = 0;
  private readonly pose: Pose = { x: 0, y: 0, angle: 0 };
  private readonly input = new schema.Input();
  private readonly shootMsg = new schema.Shoot();
  private readonly view = $<HTMLCanvasElement>('view');
  private readonly minimap = $<HTMLCanvasElement>('minimap');
  private readonly netCanvas = $<HTMLCanvasElement>('net-graph');
  /** What the HUD elements show now (null: not set yet), so the DOM is touched only on change. */
  private readonly hudShown: Record<'name' | 'hp' | 'ammo' | 'kills' | 'net' | 'status', string | null> = { name: null, hp: null, ammo: null, kills: null, net: null, status: null };

  constructor(url: string, name: string) {
    this.conn = connect(url, schema, { room: 'arena', options: { name } });
    const conn = this.conn;
    conn.onAdd(schema.Arena, (a) => (this.arena = a));
    // The server tells the client which entities it owns (room.add(p, { owner })): the owned
    // Player is this client's own. The news follows the frame that carries the entity, and a
    // Player that enters later (or again) while owned is picked up by onAdd.
    conn.on('owned', (o) => {
      if (o.removed.includes(this.myId)) this.myId = 0;
      for (const id of o.added) {
        const p = conn.replica.get(id);
        if (p instanceof schema.Player) this.adopt(id, p);
      }
    });
    conn.onAdd(schema.Player, (p, id) => {
      if (conn.owned.has(id)) this.adopt(id, p);
    });
    conn.on('remove', (_e, id) => {
      this.interp.forget(id);
      this.drawn.delete(id);
    });
    conn.on('frame', (f) => this.onFrame(f));
    conn.onMessage(schema.Shot, (s) => this.tracers.push({ x: s.x, y: s.y, toX: s.toX, toY: s.toY, at: performance.now() }));
    conn.onMessage(schema.Hit, (h) => this.flashes.set(h.target, performance.now()));
    conn.onMessage(schema.Kill, (k) => {
      this.feed.push(`${k.killerName} ✕ ${k.victimName}`);
      if (this.feed.length > 5) this.feed.shift();
      $('feed').textContent = this.feed.join('\n');
    });
    conn.on('connected', () => this.status(''));
    conn.on('disconnected', (d) => this.status(d.willReconnect ? `reconnecting… (${d.code})` : `disconnected (${d.code} ${d.reason})`));
    conn.on('error', (e) => console.warn('arena:', e.message));
    this.listen();
  }

  private onFrame(f: FrameEvent): void {
    const rep = this.conn.replica;
    if (f.tick < this.lastTick) {
      // A new room (the server restarted): its ticks start over.
      this.clock.reset();
      this.interp.tracks.clear();
    }
    this.lastTick = f.tick;
    const serverMs = (f.tick * 1000) / (this.arena?.tickRate ?? 60);
    this.clock.frame(serverMs, performance.now());
    for (const [id, e] of rep.entities) {
      if (id !== this.myId && e instanceof schema.Player) this.interp.record(id, serverMs, e.x, e.y, e.angle);
    }
    const me = this.me();
    if (me === null) return;
    if (!me.alive || !this.wasAlive) this.predictor.reset(me.x, me.y);
    else this.predictor.reconcile(me.x, me.y, rep.lastInputSeq);
    this.wasAlive = me.alive;
  }

  private adopt(id: number, p: schema.Player): void {
    this.myId = id;
    this.predictor.reset(p.x, p.y);
    this.wasAlive = p.alive;
  }

  me(): schema.Player | null {
    const e = this.myId === 0 ? undefined : this.conn.replica.get(this.myId);
    return e instanceof schema.Player ? e : null;
  }

  // ── input ──

  private listen(): void {
    const movementKeys = new Set(['KeyW', 'KeyA', 'KeyS', 'KeyD', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Space']);
    addEventListener('keydown', (e) => {
      if (!movementKeys.has(e.code)) return;
      this.keys.add(e.code);
      if (e.code === 'Space') this.fireQueued = true;
      e.preventDefault();
    });
    addEventListener('keyup', (e) => this.keys.delete(e.code));
    addEventListener('blur', () => this.keys.clear());
    this.view.addEventListener('mousemove', (e) => Object.assign(this.mouse, { x: e.clientX, y: e.clientY }));
    this.view.addEventListener('mousedown', () => (this.mouse.down = this.fireQueued = true));
    addEventListener('mouseup', () => (this.mouse.down = false));
  }

  private direction(): { dx: number; dy: number } {
    if (this.forced) return this.forced;
    const k = this.keys;
    const dx = (k.has('KeyD') || k.has('ArrowRight') ? 1 : 0) - (k.has('KeyA') || k.has('ArrowLeft') ? 1 : 0);
    const dy = (k.has('KeyS') || k.has('ArrowDown') ? 1 : 0) - (k.has('KeyW') || k.has('ArrowUp') ? 1 : 0);
    return { dx, dy };
  }

  /** One simulation step (1/60 s): send the input and apply it to the prediction at once. */
  private step(now: number): void {
    const me = this.me();
    if (me === null || !me.alive || this.conn.status !== 'open') return;
    // The own player is drawn at the centre of the screen: aim from there to the mouse.
    if (!Number.isNaN(this.mouse.x)) this.aim = Math.atan2(this.mouse.y - innerHeight / 2, this.mouse.x - innerWidth / 2);
    const { dx, dy } = this.direction();
    const aimStep = Math.round(((this.aim % (2 * Math.PI)) + 2 * Math.PI) / ((2 * Math.PI) / 256)) % 256;
    if (dx !== 0 || dy !== 0 || aimStep !== this.sentAim) {
      this.input.dx = dx;
      this.input.dy = dy;
      this.input.aim = this.aim;
      const seq = this.conn.send(this.input);
      if (seq > 0) {
        this.sentAim = aimStep;
        if (dx !== 0 || dy !== 0) this.predictor.input(seq, dx, dy);
      }
    }
    if ((this.fireQueued || this.mouse.down || this.keys.has('Space')) && now >= this.nextShot && (me.ammo ?? 0) > 0) {
      this.fireQueued = false;
      this.fire(this.aim, now);
    }
  }

  fire(angle: number, now: number): void {
    this.nextShot = now + SHOT_COOLDOWN_MS;
    this.shootMsg.angle = angle;
    this.conn.send(this.shootMsg);
  }

  // ── the loop ──

  frame(now: number): void {
    const dt = Number.isNaN(this.lastFrameAt) ? 0 : Math.min(250, now - this.lastFrameAt);
    this.lastFrameAt = now;
    this.accumulator += dt;
    while (this.accumulator >= STEP_MS) {
      this.accumulator -= STEP_MS;
      this.step(now);
    }
    const renderMs = this.clock.advance(now, dt);
    this.render(now, renderMs);
    this.rendered++;
    if (now >= this.nextGraphAt) {
      this.nextGraphAt = now + 500;
      this.graph.sample(now, this.conn.stats, this.rendered);
      this.graph.draw(this.netCanvas.getContext('2d')!, this.netCanvas.width, this.netCanvas.height);
      this.set('net', 'net-text', this.graph.text());
    }
    this.hud();
  }

  private render(now: number, renderMs: number): void {
    const me = this.me();
    const players: PlayerSprite[] = [];
    const pickups: Scene['pickups'] = [];
    this.drawn.clear();
    for (const [id, e] of this.conn.replica.entities) {
      if (e instanceof schema.Pickup) pickups.push(e);
      if (!(e instanceof schema.Player)) continue;
      let x = e.x;
      let y = e.y;
      let angle = e.angle;
      if (id === this.myId) {
        if (e.alive) {
          x = this.predictor.x;
          y = this.predictor.y;
          angle = this.aim;
        }
      } else if (!Number.isNaN(renderMs)) {
        const p = this.interp.at(id, renderMs, this.pose);
        if (p) ({ x, y, angle } = p);
      }
      this.drawn.set(id, { x, y });
      const hitAt = this.flashes.get(id);
      players.push({ x, y, angle, name: e.name, bot: e.bot, me: id === this.myId, alive: e.alive, flash: hitAt === undefined ? 0 : Math.max(0, 1 - (now - hitAt) / 200) });
    }
    while (this.tracers.length > 0 && now - this.tracers[0]!.at > 300) this.tracers.shift();
    const own = me ? this.drawn.get(this.myId)! : { x: WORLD_SIZE / 2, y: WORLD_SIZE / 2 };
    const scene: Scene = {
      cx: own.x,
      cy: own.y,
      worldSize: this.arena?.size ?? WORLD_SIZE,
      viewRadius: this.arena?.viewRadius ?? VIEW_RADIUS,
      players,
      pickups,
      tracers: this.tracers.map((t) => ({ ...t, age: (now - t.at) / 300 })),
    };
    const dpr = devicePixelRatio || 1;
    const w = Math.round(innerWidth * dpr);
    const h = Math.round(innerHeight * dpr);
    if (this.view.width !== w || this.view.height !== h) Object.assign(this.view, { width: w, height: h });
    drawScene(this.view.getContext('2d')!, w, h, scene);
    drawMinimap(this.minimap.getContext('2d')!, this.minimap.width, scene);
  }

  private hud(): void {
    const me = this.me();
    this.set('name', 'name', me?.name ?? '');
    // @ownerOnly: only this client receives its own hp and ammo.
    this.set('hp', 'hp', String(me?.hp ?? '–'));
    this.set('ammo', 'ammo', String(me?.ammo ?? '–'));
    this.set('kills', 'kills', me ? String(me.kills) : '0');
  }

  private set(key: keyof ArenaClient['hudShown'], id: string, text: string): void {
    if (this.hudShown[key] === text) return;
    this.hudShown[key] = text;
    $(id).textContent = text;
  }

  status(text: string): void {
    this.set('status', 'status', text);
  }

  // ── the debug hook ──

  debug(): ArenaDebug {
    const players = (): PlayerView[] => {
      const out: PlayerView[] = [];
      for (const [id, e] of this.conn.replica.entities) {
        if (e instanceof schema.Player) out.push({ id, name: e.name, bot: e.bot, clientId: e.clientId, alive: e.alive, x: e.x, y: e.y, hp: e.hp ?? null, ammo: e.ammo ?? null });
      }
      return out;
    };
    const num = (id: string) => Number($(id).textContent);
    return {
      clientId: () => this.conn.clientId,
      room: () => ({ id: this.conn.roomId, node: this.conn.nodeUrl }),
      myId: () => this.myId,
      hud: () => ({ name: $('name').textContent ?? '', hp: num('hp'), ammo: num('ammo'), kills: num('kills') }),
      players,
      positions: () => Object.fromEntries(players().map((p) => [p.id, { x: p.x, y: p.y }])),
      interpolated: (id) => {
        const d = this.drawn.get(id);
        return d ? { x: d.x, y: d.y } : null;
      },
      predicted: () => ({ x: this.predictor.x, y: this.predictor.y, pending: this.predictor.pending.length, corrections: this.predictor.corrections }),
      stats: () => {
        const s = this.conn.stats;
        return { rtt: s.rtt, bytesIn: s.bytesIn, bytesOut: s.bytesOut, fps: s.fps, framesIn: s.framesIn, rendered: this.rendered, serverTick: this.conn.replica.serverTick, inputAck: this.conn.replica.lastInputSeq };
      },
      setMove: (dx, dy) => {
        this.forced = dx === 0 && dy === 0 ? null : { dx: Math.sign(dx), dy: Math.sign(dy) };
      },
      shoot: (angle) => {
        this.aim = angle;
        this.fire(angle, performance.now());
      },
    };
  }
}

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const name = q.get('name') ?? `guest${Math.floor(Math.random() * 1000)}`;
  const game = new ArenaClient(await serverUrl(), name);
  window.__arena = game.debug();
  const loop = (now: number): void => {
    game.frame(now);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
}

main().catch((e: unknown) => {
  $('status').textContent = `failed to start: ${e instanceof Error ? e.message : String(e)}`;
});
