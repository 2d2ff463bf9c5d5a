/**
 * `pnpm fuzz:server -- --messages N`: the long server fuzz run (see RELIABILITY.md). Prints the
 * seed first, progress every 10 s, and one JSON summary line last; exits 1 on a failure.
 */
import { intArg, parseToolArgs, toolArgv } from './cli-args.js';
import { DEFAULT_FUZZ, FuzzFailure, KINDS, runServerFuzz } from './fuzz-driver.js';

const USAGE = `usage: fuzz:server [options]

  --messages N      stop after N fuzzing messages (default 1000000)
  --seconds S       or after S seconds, whichever comes first (default 3600)
  --seed N          seed (default: from the clock; printed first)
  --honest N        honest clients that must keep their frame rate (default 4)
  --concurrency N   fuzzing connections at once (default 16)
  --rss-limit MIB   the server's RSS bound (default 512)
  --default-limits  keep the server's per-address limits (by default they are raised so that
                    127.0.0.1 acts as many addresses and fuzzing gets past the join)
  --skip K1,K2      leave out mutation classes: ${KINDS.join(', ')}
  -h, --help        this text`;

const { values } = parseToolArgs('fuzz:server', USAGE, {
  args: toolArgv(),
  options: {
    messages: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '3600' },
    seed: { type: 'string' },
    honest: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '16' },
    'rss-limit': { type: 'string', default: '512' },
    skip: { type: 'string', default: '' },
    'default-limits': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const T = 'fuzz:server';
const skip = values.skip ? values.skip.split(',') : [];
for (const k of skip) {
  if (!(KINDS as readonly string[]).includes(k)) {
    console.error(`${T}: --skip expects mutation classes from ${KINDS.join(', ')}, got '${k}'\n\n${USAGE}`);
    process.exit(2);
  }
}
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : intArg(T, USAGE, 'seed', values.seed, 0, 2 ** 32 - 1);
try {
  const summary = await runServerFuzz({
    ...DEFAULT_FUZZ,
    seed,
    messages: intArg(T, USAGE, 'messages', values.messages, 1),
    seconds: intArg(T, USAGE, 'seconds', values.seconds, 1),
    honest: intArg(T, USAGE, 'honest', values.honest, 1, 64),
    concurrency: intArg(T, USAGE, 'concurrency', values.concurrency, 1, 256),
    rssLimitMib: intArg(T, USAGE, 'rss-limit', values['rss-limit'], 16),
    skip,
    defaultLimits: values['default-limits'],
    log: (line) => console.log(line),
  });
  console.log(JSON.stringify(summary));
} catch (e) {
  if (!(e instanceof FuzzFailure)) throw e;
  console.error(e.message);
  console.log(JSON.stringify(e.summary));
  process.exit(1);
}
