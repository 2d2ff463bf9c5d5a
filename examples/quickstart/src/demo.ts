// The quickstart: a server World and a client ReplicaWorld, a full state, then patches.
import { ReplicaWorld, World } from '@netschema/runtime';
import { Bot, Player, Team } from './state.js';
import * as schema from './state.netschema.js';

const json = (o: unknown) => JSON.stringify(o, (_k, v: unknown) => (v instanceof Map ? Object.fromEntries(v) : v));

/** Runs the tour, printing through `log`; returns what the test suite checks. */
export function runDemo(log: (line: string) => void = (s) => process.stdout.write(s + '\n')) {
  // Server: state is plain class instances; every field write is tracked as it happens.
  const world = new World(schema);
  const ada = world.add(new Player('ada'));
  const bob = world.add(new Player('bob'));
  bob.team = Team.Blue;
  for (let i = 0; i < 8; i++) {
    const b = world.add(new Bot());
    b.x = i * 100;
    b.y = 500;
  }

  // A client joins: it gets the full state.
  const client = new ReplicaWorld(schema);
  const full = world.encodeFull();
  world.commit();
  client.apply(full);
  log(`schema fingerprint ${schema.netschema.fingerprint}`);
  log(`full state: ${full.length} bytes for ${world.size} entities`);

  // One game tick: a few fields change; the patch carries only those.
  ada.x = 512.25;
  ada.y = 300.5;
  ada.heading = Math.PI / 2;
  bob.hp -= 25;
  bob.weapon.ammo -= 1;
  bob.badges.push('first blood');
  const patch = world.diff();
  const changes = client.apply(patch);
  log(`patch: ${patch.length} bytes (${changes.changed.length} entities changed)`);
  for (let i = 0; i < changes.changed.length; i++) {
    const id = changes.changed[i]!;
    const fields = schema.netschema.byName.get(client.get(id)!.constructor.name)!.fields;
    const names = fields.filter((_, f) => ((changes.masks[i * 2]! >>> f) & 1) === 1);
    log(`  entity ${id}: ${names.join(', ')}`);
  }

  // Another tick: a bot is removed, a player gets a title.
  world.remove([...world.values()].find((e) => e instanceof Bot)!);
  bob.title = 'the brave';
  const patch2 = world.diff();
  const changes2 = client.apply(patch2);
  log(`patch: ${patch2.length} bytes (${changes2.changed.length} changed, ${changes2.removed.length} removed)`);

  const bobReplica = client.get(world.idOf(bob)) as schema.Player;
  const adaReplica = client.get(world.idOf(ada)) as schema.Player;
  log(`client sees bob: ${json(bobReplica)}`);
  log(`client sees ada at (${adaReplica.x.toFixed(3)}, ${adaReplica.y.toFixed(3)}), quantized from (${ada.x}, ${ada.y})`);
  // Quantized to 16 bits over 1000 units, positions may differ by half a step (7.6 mm).
  const ok =
    bobReplica.hp === bob.hp &&
    bobReplica.weapon.ammo === bob.weapon.ammo &&
    bobReplica.title === bob.title &&
    Math.abs(adaReplica.x - ada.x) <= 1000 / 65535 / 2 &&
    client.entities.size === world.size;
  log(ok ? 'round trip ok: the replica matches the server' : 'round trip MISMATCH');
  return { ok, fullBytes: full.length, patchBytes: [patch.length, patch2.length], changed: changes.changed.length };
}
