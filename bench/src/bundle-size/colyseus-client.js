// The browser client of test/packaging/game-fixture.ts, written for Colyseus: join
// a room and show a player's name and position whenever it changes.
import { Client, getStateCallbacks } from 'COLYSEUS_SDK';

const client = new Client(`ws://${location.hostname}:2567`);
const room = await client.joinOrCreate('field');
const $ = getStateCallbacks(room);
$(room.state).players.onAdd((p) => {
  $(p).onChange(() => {
    document.body.textContent = `${p.name} at ${p.x}, ${p.y}`;
  });
});
