/**
 * The inspector's one page: plain HTML and JS, no framework, polling `/snapshot.json` every
 * second (same origin, so the cookie set from `?token=` rides along). Values are put in with
 * textContent only: room names and class names come from the game, not from us.
 */
export const INSPECTOR_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>netschema inspector</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 1em; color: #222; }
h1 { font-size: 16px; margin: 0 0 .5em; }
h2 { font-size: 14px; margin: 1.2em 0 .3em; }
h3 { font-size: 13px; margin: .8em 0 .2em; }
table { border-collapse: collapse; margin: .2em 0 .6em; }
th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid #ddd; }
th:first-child, td:first-child { text-align: left; }
.class td { font-weight: 600; background: #f4f4f4; }
.field td:first-child { padding-left: 1.5em; }
.muted { color: #777; }
#error { color: #b00; }
</style>
</head>
<body>
<h1>netschema inspector</h1>
<div id="status" class="muted">loading…</div>
<div id="error"></div>
<div id="rooms"></div>
<script>
(() => {
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    return e;
  };
  const n = (x, d = 0) => Number(x).toFixed(d);
  const row = (cls, cells, tag = 'td') => el('tr', cls ? { class: cls } : {}, ...cells.map((c) => el(tag, {}, c)));
  function client(c, room) {
    const t = c.traffic;
    const box = el('div', { class: 'client', 'data-client': c.id });
    box.append(el('h3', {}, 'client ' + c.id + (c.connected ? '' : ' (held, disconnected)')));
    const stats = el('table', {});
    stats.append(row('', ['bytes/s', 'frames/s', 'frames', 'bytes out', 'bytes in', 'RTT ms', 'skipped', 'dropped'], 'th'));
    stats.append(row('', [n(t.bytesPerSecond), n(t.framesPerSecond, 1), c.frames, c.bytesOut, c.bytesIn, n(c.rttSmoothedMs, 1), c.framesSkipped, c.dropped]));
    box.append(stats);
    const seen = Object.entries(c.inView.byClass).map(([k, v]) => k + ' ' + v).join(', ');
    box.append(el('div', {}, 'sees ' + c.inView.total + ' entities' + (seen ? ': ' + seen : '')));
    const s = t.sampled;
    box.append(el('div', { class: 'muted' }, 'last ' + n(t.seconds, 1) + ' s: ' + s.frames + ' frames sampled, ' + s.bytes + ' B (' + s.header + ' B frame headers, ' + s.unattributed + ' B unattributed)'));
    const bytes = el('table', { class: 'bytes' });
    bytes.append(row('', ['class / field', 'bytes', 'own', 'overhead', 'records', 'B/record'], 'th'));
    for (const k of t.classes) {
      bytes.append(row('class', [k.name, n(k.bytes), n(k.bytes - k.overhead), n(k.overhead), k.records, n(k.bytes / Math.max(1, k.records), 1)]));
      for (const f of k.fields) {
        const tr = row('field', [f.name, n(f.bytes + f.shared, 1), n(f.bytes, 1), n(f.shared, 1), f.records, n((f.bytes + f.shared) / Math.max(1, f.records), 2)]);
        tr.setAttribute('data-field', k.name + '.' + f.name);
        bytes.append(tr);
      }
    }
    box.append(bytes);
    return box;
  }
  function render(snap) {
    const rooms = document.getElementById('rooms');
    const out = [];
    for (const r of snap.rooms) {
      const sec = el('section', { class: 'room', 'data-room': r.id });
      sec.append(el('h2', {}, 'room ' + r.name + ' ', el('span', { class: 'muted' }, r.id + ' · ' + r.clients.length + '/' + r.maxClients + ' clients · ' + r.entities + ' entities · tick ' + n(r.lastTickMs, 2) + ' ms' + (r.private ? ' · private' : ''))));
      for (const c of r.clients) sec.append(client(c, r));
      out.push(sec);
    }
    rooms.replaceChildren(...out);
    document.getElementById('status').textContent = snap.rooms.length + ' rooms · per-field bytes from up to ' + snap.samplesPerSecond + ' frames per client per second, over ' + snap.windowSeconds + ' s · updated ' + new Date().toLocaleTimeString();
  }
  async function poll() {
    try {
      const res = await fetch('snapshot.json', { credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) throw new Error('snapshot: HTTP ' + res.status);
      render(await res.json());
      document.getElementById('error').textContent = '';
    } catch (e) {
      document.getElementById('error').textContent = String(e && e.message || e);
    }
    setTimeout(poll, 1000);
  }
  poll();
})();
</script>
</body>
</html>
`;
