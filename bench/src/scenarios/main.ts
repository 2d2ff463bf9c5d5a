/**
 * `pnpm --filter @netschema/bench bench:scenarios`: the issue-15 scenarios on their own
 * (bench:arena runs them too), each netschema's RoomCore against @colyseus/schema 5.0.34 in one
 * process. Prints each scenario's metrics (median [min–max] over the runs), its ratios
 * (netschema / Colyseus of medians) and its verification, then one JSON line with every ratio.
 *
 *   tsx --conditions=source src/scenarios/main.ts [--only <key>[,<key>…]] [--runs N] [--seed N]
 */
import { describeMachine, load1, machine } from '../machine.js';
import { intOption, parseBenchArgs } from '../room-bench.js';
import { fmt, round4 } from '../stats.js';
import { runScenarios, SCENARIO_KEYS, selectScenarios } from './report.js';

const HELP = `usage: scenarios [options]

  --only KEYS       run only these scenarios (comma-separated keys: ${SCENARIO_KEYS.join(', ')})
  --runs N          measured runs per system, interleaved (default 5)
  --seed N          seed of the scenarios' random draws (default 1)
  -h, --help        this text`;

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
const { values: opts } = parseBenchArgs('scenarios', HELP, {
  args: argv,
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const runs = intOption('scenarios', HELP, 'runs', opts.runs, 1);
const seed = intOption('scenarios', HELP, 'seed', opts.seed, 0);
const selected = selectScenarios('scenarios', HELP, 'only', opts.only);

console.log(`machine: ${describeMachine(machine())}; 1-minute load average ${fmt(load1())}`);
const reports = runScenarios(selected, { runs, seed });
const verified = reports.every((r) => r.problems.length === 0);
console.log(`\nload average after: ${fmt(load1())}; verified: ${verified}`);
const ratios: Record<string, number> = {};
for (const r of reports) for (const [k, v] of Object.entries(r.ratios)) ratios[k] = round4(v);
console.log(JSON.stringify({ bench: 'scenarios', runs, seed, ...ratios, verified }));
if (!verified) process.exitCode = 1;
