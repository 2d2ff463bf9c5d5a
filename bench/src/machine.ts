import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

/** The machine a benchmark ran on, as printed in its header and recorded in its JSON line. */
export interface Machine {
  nproc: number;
  cpu: string;
  memory_gib: number;
  node: string;
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux: fall through
  }
  return 'unknown';
}

export function machine(): Machine {
  return {
    nproc: availableParallelism(),
    cpu: cpuModel(),
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}

/** The 1-minute load average. */
export const load1 = (): number => loadavg()[0]!;

export function describeMachine(m: Machine): string {
  return `${m.cpu}, nproc ${m.nproc}, ${m.memory_gib} GiB, node ${m.node}`;
}
