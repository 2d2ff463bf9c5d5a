/* eslint-disable @typescript-eslint/no-explicit-any -- listener signatures vary per event */
type Listener = (a: any, b: any, c: any) => void;

/** Slots per queued event: its name and up to three arguments (no array per event). */
const SLOT = 4;

/**
 * Listeners by event name. Immediate mode calls them as events arrive; deferred mode queues the
 * events until `pump()` (a game loop's polling style). A listener that throws is reported
 * (`reportError`, or an uncaught exception on the next microtask) and the others still run, as
 * DOM event listeners do: one faulty handler must not leave the connection half-updated.
 */
export class EventQueue<M extends { [K in keyof M]: (...args: any[]) => void }> {
  // Arrays are replaced, not mutated, on subscribe and unsubscribe: a dispatch in progress
  // keeps iterating the list it started with.
  private readonly listeners = new Map<keyof M, readonly Listener[]>();
  private readonly queue: unknown[] = [];
  private pumping = false;
  private ended = false;

  constructor(private readonly deferred: boolean) {}

  on<K extends keyof M>(event: K, fn: M[K]): () => void {
    const l = fn as unknown as Listener;
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), l]);
    return () => {
      const list = this.listeners.get(event);
      if (list === undefined) return;
      const i = list.indexOf(l);
      if (i >= 0) this.listeners.set(event, [...list.slice(0, i), ...list.slice(i + 1)]);
    };
  }

  /** Whether anyone listens: callers skip building arguments nobody reads. */
  has(event: keyof M): boolean {
    return (this.listeners.get(event)?.length ?? 0) > 0;
  }

  /** Dispatches now or queues; an event nobody listens to is dropped. Positional, not rest, args: no array per call. */
  emit(event: keyof M, a?: unknown, b?: unknown, c?: unknown): void {
    if (this.ended || !this.has(event)) return;
    if (this.deferred) this.queue.push(event, a, b, c);
    else this.dispatch(event, a, b, c);
  }

  /** Drops every later event; what is queued still goes out at the next pump. */
  end(): void {
    this.ended = true;
  }

  /** Dispatches everything queued, in arrival order, with what it queues meanwhile; returns how many events. */
  pump(): number {
    if (!this.deferred || this.pumping) return 0;
    this.pumping = true;
    const q = this.queue;
    let n = 0;
    try {
      for (let i = 0; i < q.length; i += SLOT) {
        this.dispatch(q[i] as keyof M, q[i + 1], q[i + 2], q[i + 3]);
        n++;
      }
    } finally {
      q.length = 0;
      this.pumping = false;
    }
    return n;
  }

  private dispatch(event: keyof M, a: unknown, b: unknown, c: unknown): void {
    const list = this.listeners.get(event);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(a, b, c);
      } catch (err) {
        report(err);
      }
    }
  }
}

function report(err: unknown): void {
  const g = globalThis as { reportError?: (e: unknown) => void };
  if (typeof g.reportError === 'function') g.reportError(err);
  else
    queueMicrotask(() => {
      throw err;
    });
}
