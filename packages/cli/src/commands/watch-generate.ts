import { watch } from 'chokidar';
import { displayPath } from '../diagnostics/diagnostic.js';
import { generate, type GenerateOptions } from '../generate/generate.js';
import { UsageError } from '../usage-error.js';
import type { CliIo } from './io.js';
import { reportResult } from './report-result.js';

const DEBOUNCE_MS = 50;
/** Longest wait for the watcher to be armed on the first inputs before saying it watches. */
const READY_WAIT_MS = 5000;

/**
 * Generates, then regenerates whenever an input changes: the schema files, files they take
 * classes or enums from, and the config. Errors are printed and watching goes on. Resolves with 0
 * when `signal` aborts (SIGINT/SIGTERM in the CLI).
 *
 * Watching is chokidar's: `fs.watch` alone misses saves that replace the file (most editors do),
 * differs per platform and fires twice per save; chokidar already handles all of that.
 */
export async function watchGenerate(options: GenerateOptions, io: CliIo, quiet: boolean, signal: AbortSignal): Promise<number> {
  // Files are added and removed as the inputs change; the watcher starts empty.
  const watcher = watch([], { ignoreInitial: true });
  watcher.on('all', (_event, file) => schedule(file));
  watcher.on('error', (e) => io.stderr.write(`netschema: watching failed: ${e instanceof Error ? e.message : String(e)}\n`));
  let watched = new Set<string>();
  let inputs = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let changed: string | undefined;

  const run = async (): Promise<void> => {
    running = true;
    try {
      const result = await generate(options);
      reportResult(result, io, { check: false, quiet });
      inputs = new Set(result.inputs);
      if (options.files === undefined || options.files.length === 0) {
        // With a config, a new file matching its globs appears in the config's directories.
        for (const s of result.schemas) inputs.add(s);
      }
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.stderr.write(`netschema: ${e.message}\n`);
    } finally {
      running = false;
    }
    syncWatchers();
  };

  const schedule = (file: string): void => {
    changed = file;
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), DEBOUNCE_MS);
  };

  const tick = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    const cause = changed === undefined ? 'change' : displayPath(changed, io.cwd);
    await run();
    io.stdout.write(`netschema: regenerated after ${cause} changed\n`);
    if (again) {
      again = false;
      schedule(changed ?? '');
    }
  };

  const syncWatchers = (): void => {
    const gone = [...watched].filter((f) => !inputs.has(f));
    const added = [...inputs].filter((f) => !watched.has(f));
    if (gone.length > 0) watcher.unwatch(gone);
    if (added.length > 0) watcher.add(added);
    watched = new Set(inputs);
  };

  // The first inputs are watched once chokidar has looked at each (it stats them first): an edit
  // made before then would go unnoticed, so "watching" is said only after. Bounded, so a watcher
  // that never reports ready cannot hold the command.
  const armed = new Promise<void>((resolve) => {
    const timeout = setTimeout(resolve, READY_WAIT_MS).unref();
    watcher.once('ready', () => {
      clearTimeout(timeout);
      resolve();
    });
  });
  await run();
  if (watched.size > 0) await armed;
  if (!quiet) io.stdout.write(`netschema: watching ${inputs.size} file${inputs.size === 1 ? '' : 's'} for changes (Ctrl+C to stop)\n`);
  return new Promise<number>((resolveDone) => {
    const stop = (): void => {
      clearTimeout(timer);
      void watcher.close().then(() => resolveDone(0));
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}


