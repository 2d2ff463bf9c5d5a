import { readFileSync } from 'node:fs';

/** Linux's clock ticks per second for /proc CPU times (USER_HZ: 100 on every common build). */
const USER_HZ = 100;

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat; NaN off Linux or once it is gone. */
export function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at its closing parenthesis.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / USER_HZ;
  } catch {
    return NaN;
  }
}

/** The whole machine's busy and total CPU time so far (all cores), from /proc/stat; NaN off Linux. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    // idle and iowait
    return { busy: total - v[3]! - (v[4] ?? 0), total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}
