// `pnpm --filter @netschema/example-arena bots -- --bots 10 --url ws://127.0.0.1:8081/ws`:
// headless players against a running arena server. Prints a line every few seconds.
import { parseArgs } from 'node:util';
import { startBots } from './bots.js';

const USAGE = `usage: pnpm --filter @netschema/example-arena bots -- [--bots N] [--url ws://host:port/ws] [--seconds S] [--peaceful]
  --bots <n>       how many (default 5)
  --url <url>      the arena's WebSocket endpoint (default ws://127.0.0.1:8081/ws: what pnpm start prints)
  --seconds <s>    stop after this long (default: until Ctrl-C)
  --peaceful       do not fire`;

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    bots: { type: 'string', default: '5' },
    url: { type: 'string', default: 'ws://127.0.0.1:8081/ws' },
    seconds: { type: 'string', default: '0' },
    peaceful: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
const count = Number(values.bots);
const seconds = Number(values.seconds);
if (!Number.isInteger(count) || count < 1 || count > 500 || !(seconds >= 0)) {
  process.stderr.write(`expected --bots 1 to 500 and --seconds >= 0\n${USAGE}\n`);
  process.exit(2);
}

const bots = startBots({ url: values.url, count, shoot: !values.peaceful });
const started = performance.now();
let prev = bots.report();
let prevAt = started;
try {
  await bots.ready();
} catch (e) {
  process.stderr.write(`bots could not join ${values.url}: ${e instanceof Error ? e.message : String(e)}\n`);
  bots.close();
  process.exit(1);
}
process.stdout.write(`${count} bots joined ${values.url}\n`);

const line = (): void => {
  const now = performance.now();
  const r = bots.report();
  const dt = (now - prevAt) / 1000;
  const rate = (a: number, b: number) => ((a - b) / dt / 1024).toFixed(1);
  process.stdout.write(
    `${r.open}/${r.bots} open · ${Math.round((r.framesIn - prev.framesIn) / dt)} frames/s · in ${rate(r.bytesIn, prev.bytesIn)} KiB/s · out ${rate(r.bytesOut, prev.bytesOut)} KiB/s · rtt ${r.rtt.toFixed(1)} ms · ${r.shots} shots` +
      (r.errors.length > 0 ? ` · errors: ${r.errors.slice(-3).join('; ')}` : '') + '\n',
  );
  prev = r;
  prevAt = now;
};
const ticker = setInterval(line, seconds > 0 ? Math.min(5000, seconds * 500) : 5000);

const stop = (): void => {
  clearInterval(ticker);
  line();
  bots.close();
  setTimeout(() => process.exit(0), 100);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (seconds > 0) setTimeout(stop, seconds * 1000);
