// `pnpm --filter @netschema/example-lag start [-- --samples 5 --interval 500 --url ws://...]`
// Without --url it starts its own server in this process. Ctrl-C stops.
import { parseArgs } from 'node:util';
import { runLag, type LagOptions } from './lag.js';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { url: { type: 'string' }, samples: { type: 'string', default: '0' }, interval: { type: 'string', default: '1000' } },
});
const options: LagOptions = { samples: Number(values.samples), intervalMs: Number(values.interval) };
if (values.url !== undefined) options.url = values.url;
const run = runLag(options);
process.on('SIGINT', () => run.stop());
const samples = await run.done;
if (options.samples && samples.length < options.samples) process.exitCode = 1;
