/**
 * What both runners of the issue-15 scenarios share (`scenarios/main.ts`, bench:scenarios, and
 * `arena-rooms.ts`, bench:arena): choosing scenarios by key, and running them with each one's
 * table, ratios and verification printed as it finishes.
 */
import { cell, printTable } from '../room-bench.js';
import { fmt } from '../stats.js';
import { scenarios } from './all.js';
import type { Scenario, ScenarioOptions, ScenarioReport } from './scenario.js';

/** Every scenario key, in run order. */
export const SCENARIO_KEYS: readonly string[] = scenarios.map((s) => s.key);

/**
 * The scenarios named by a comma-separated list of keys, in run order; every scenario when `spec`
 * is undefined or `all`, none for `none`. An unknown key exits 2 naming it, with the usage text.
 */
export function selectScenarios(bench: string, help: string, option: string, spec: string | undefined): Scenario[] {
  if (spec === undefined || spec.trim() === 'all') return [...scenarios];
  if (spec.trim() === 'none') return [];
  const keys = spec
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const unknown = keys.filter((k) => !SCENARIO_KEYS.includes(k));
  if (keys.length === 0 || unknown.length > 0) {
    const what = keys.length === 0 ? `no scenario key in '${spec}'` : `unknown scenario key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`;
    console.error(`${bench}: --${option}: ${what} (known: ${SCENARIO_KEYS.join(', ')})\n\n${help}`);
    process.exit(2);
  }
  return scenarios.filter((s) => keys.includes(s.key));
}

/** Prints one scenario's section: title, systems, metrics table with ratios, named ratios, verification. */
export function printScenarioReport(r: ScenarioReport): void {
  console.log(`\n## ${r.key}: ${r.title}`);
  console.log(`  netschema: ${r.systems.netschema}`);
  console.log(`  colyseus:  ${r.systems.colyseus}\n`);
  printTable(
    ['', 'netschema', 'colyseus', 'ratio'],
    r.metrics.map((m) => [m.label, cell(m.netschema, m.exact === true), cell(m.colyseus, m.exact === true), fmt(m.netschema.median / m.colyseus.median)]),
  );
  console.log('');
  for (const [k, v] of Object.entries(r.ratios)) console.log(`  ${k} = ${fmt(v)}`);
  console.log(`  verified: ${r.problems.length === 0}`);
  for (const p of r.problems) console.log(`    ${p}`);
}

/** Runs the scenarios in order, printing each one's section as it finishes; returns their reports. */
export function runScenarios(selected: readonly Scenario[], options: ScenarioOptions): ScenarioReport[] {
  const reports: ScenarioReport[] = [];
  for (const s of selected) {
    const r = s.run(options);
    reports.push(r);
    printScenarioReport(r);
  }
  return reports;
}
