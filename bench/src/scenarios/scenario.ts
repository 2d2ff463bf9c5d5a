/**
 * Game shapes beyond the arena (issue 15), each run side by side with @colyseus/schema 5.0.34 in
 * one process: the same fixture, runs interleaved with alternating order, a GC between systems,
 * every replica checked at the end. `bench:arena` runs them after its own targets and adds their
 * ratios to its last JSON line.
 */
import type { Summary } from '../stats.js';

export interface ScenarioOptions {
  /** Measured runs per system (each from a fresh state); medians are taken over them. */
  runs: number;
  /** Seed of the scenario's random draws. */
  seed: number;
}

/** One measured quantity of both systems: medians (with min and max) over the runs. */
export interface ScenarioMetric {
  label: string;
  netschema: Summary;
  colyseus: Summary;
  /** Byte counts: the same in every run, printed without a range. */
  exact?: boolean;
}

export interface ScenarioReport {
  /** Short name, e.g. `following`. */
  key: string;
  /** One line: what the game does, with its parameters. */
  title: string;
  /** How each system does it, one line each. */
  systems: { netschema: string; colyseus: string };
  metrics: ScenarioMetric[];
  /** Ratios for bench:arena's JSON line, netschema / Colyseus of medians (e.g. `following_ratio`). */
  ratios: Record<string, number>;
  /** Verification failures (replicas that differ from the server's state); empty when verified. */
  problems: string[];
}

export interface Scenario {
  key: string;
  run(options: ScenarioOptions): ScenarioReport;
}
