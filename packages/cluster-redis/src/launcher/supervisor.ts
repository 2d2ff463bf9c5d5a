// Keeps N node processes running: a node that exits while the cluster is not stopping is
// restarted after a delay that doubles with each recent crash; a node that crashes `crashLimit`
// times within `crashWindowMs` is left down (it would only crash again), and the log says so.
// `stop` asks every node to exit (SIGTERM) and kills the ones that have not within the timeout.
import type { ChildProcess } from 'node:child_process';

export interface SupervisorOptions {
  nodes: number;
  /** Starts node `index`'s process. */
  spawn(index: number): ChildProcess;
  log(message: string): void;
  /** Every node crashed too often and is left down. */
  onAllGaveUp?: () => void;
  /** Delay before the first restart, ms; doubles with each crash in the window. Default 500. */
  restartDelayMs?: number;
  /** Longest delay before a restart, ms. Default 10000. */
  maxRestartDelayMs?: number;
  /** Crashes within the window after which a node is left down. Default 5. */
  crashLimit?: number;
  /** Default 60000. */
  crashWindowMs?: number;
}

/** One node: its process now (null while down), its recent crashes, its pending restart. */
interface NodeSlot {
  readonly index: number;
  process: ChildProcess | null;
  /** Resolves when the current process has exited. */
  exited: Promise<void>;
  /** When it crashed (performance.now()), within the window. */
  crashes: number[];
  restartTimer: NodeJS.Timeout | undefined;
  gaveUp: boolean;
}

export interface StopResult {
  /** Nodes that did not exit within the timeout and were killed. */
  killed: number[];
}

export class Supervisor {
  private readonly slots: NodeSlot[] = [];
  private stopping = false;
  private readonly restartDelayMs: number;
  private readonly maxRestartDelayMs: number;
  private readonly crashLimit: number;
  private readonly crashWindowMs: number;

  constructor(private readonly options: SupervisorOptions) {
    this.restartDelayMs = options.restartDelayMs ?? 500;
    this.maxRestartDelayMs = options.maxRestartDelayMs ?? 10_000;
    this.crashLimit = options.crashLimit ?? 5;
    this.crashWindowMs = options.crashWindowMs ?? 60_000;
  }

  start(): void {
    for (let i = 0; i < this.options.nodes; i++) {
      const slot: NodeSlot = { index: i, process: null, exited: Promise.resolve(), crashes: [], restartTimer: undefined, gaveUp: false };
      this.slots.push(slot);
      this.run(slot);
    }
  }

  /** The pid of each node's current process (undefined while it is down). */
  pids(): (number | undefined)[] {
    return this.slots.map((s) => s.process?.pid);
  }

  private run(slot: NodeSlot): void {
    slot.restartTimer = undefined;
    const child = this.options.spawn(slot.index);
    slot.process = child;
    slot.exited = new Promise<void>((resolve) => {
      let done = false;
      const ended = (how: string) => {
        if (done) return;
        done = true;
        if (slot.process === child) slot.process = null;
        resolve();
        this.ended(slot, how);
      };
      child.once('exit', (code, signal) => ended(signal !== null ? `was killed by ${signal}` : `exited with code ${code}`));
      // Spawning failed (no process): reported like a crash, so it is retried and then given up.
      child.once('error', (e) => {
        if (child.pid === undefined) ended(`could not start: ${e.message}`);
      });
    });
  }

  private ended(slot: NodeSlot, how: string): void {
    if (this.stopping) return;
    const now = performance.now();
    slot.crashes = slot.crashes.filter((t) => now - t < this.crashWindowMs);
    slot.crashes.push(now);
    const n = slot.crashes.length;
    const window = `${Math.round(this.crashWindowMs / 1000)} s`;
    if (n >= this.crashLimit) {
      slot.gaveUp = true;
      this.options.log(`node ${slot.index} ${how}; it crashed ${n} times within ${window}: not restarting it`);
      if (this.slots.every((s) => s.gaveUp)) this.options.onAllGaveUp?.();
      return;
    }
    const delay = Math.min(this.maxRestartDelayMs, this.restartDelayMs * 2 ** (n - 1));
    this.options.log(`node ${slot.index} ${how}; restarting it in ${delay} ms (crash ${n} of ${this.crashLimit} allowed within ${window})`);
    slot.restartTimer = setTimeout(() => this.run(slot), delay);
  }

  /**
   * SIGTERM to every running node, SIGKILL (to its process group) to those still running after
   * `timeoutMs`; resolves once all have exited. No restarts from now on.
   */
  async stop(timeoutMs: number): Promise<StopResult> {
    this.stopping = true;
    const killed: number[] = [];
    await Promise.all(
      this.slots.map(async (slot) => {
        clearTimeout(slot.restartTimer);
        const child = slot.process;
        if (child === null) return;
        signal(child, 'SIGTERM', false);
        let timer: NodeJS.Timeout | undefined;
        const late = await Promise.race([slot.exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)))]);
        clearTimeout(timer);
        if (late) {
          killed.push(slot.index);
          signal(child, 'SIGKILL', true);
          await slot.exited;
        }
      }),
    );
    return { killed: killed.sort((a, b) => a - b) };
  }

  /** SIGKILL to every node's process group now, without waiting (for the process's exit handler). */
  killAll(): void {
    this.stopping = true;
    for (const slot of this.slots) {
      clearTimeout(slot.restartTimer);
      if (slot.process !== null) signal(slot.process, 'SIGKILL', true);
    }
  }
}

/** Signals a node, or its whole process group (what it started too): nodes run detached, each the leader of its group. */
function signal(child: ChildProcess, sig: NodeJS.Signals, group: boolean): void {
  try {
    if (group && child.pid !== undefined) process.kill(-child.pid, sig);
    else child.kill(sig);
  } catch {
    // Already gone.
  }
}
