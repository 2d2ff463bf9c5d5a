// Run: node --conditions=source --import tsx packages/transport-uws/test/inspector-cost.ts [entities]
// Measures what attributing one frame costs (the inspector's per-sampled-frame work).
import { RoomCore } from '@netschema/runtime';
import { Player } from '@netschema/test-fixtures/schemas/net';
import * as netSchema from '@netschema/test-fixtures/schemas/net.netschema';
import { attributeFrame, type ClassBytes } from '../src/inspector/frame-bytes.js';

const n = Number(process.argv[2] ?? 100);
const core = new RoomCore<Player, null>({ schema: netSchema, patchRate: 1000 });
const players: Player[] = [];
for (let i = 0; i < n; i++) { const p = new Player(); p.name = `p${i}`; players.push(core.add(p)); }
core.addClient(null);
let frame = new Uint8Array(0);
let t = 0;
const step = () => { for (const p of players) { p.x += 1; p.y += 0.5; } t += 1000; core.update(t, (_c, f) => { frame = f.slice(); }); };
step(); step();
const into = new Map<string, ClassBytes>();
const times: number[] = [];
for (let round = 0; round < 7; round++) {
  step();
  const reps = 2000;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) attributeFrame(frame, core.world, into);
  times.push(((performance.now() - t0) / reps) * 1000);
}
times.sort((a, b) => a - b);
console.log(`${n} entities, frame ${frame.length} B: attributeFrame median ${times[3]!.toFixed(1)} µs (${(times[3]! / n * 1000).toFixed(0)} ns per entity record)`);
