import { watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { displayPath } from '../diagnostics/diagnostic.js';
import { generate, type GenerateOptions } from '../generate/generate.js';
import { UsageError } from '../usage-error.js';
import type { CliIo } from './io.js';
import { reportResult } from './report-result.js';

const DEBOUNCE_MS = 50;

/**
 * Generates, then regenerates whenever an input changes: the schema files, files they take
 * classes or enums from, and the config. Directories are watched rather than files, because
 * editors often save by replacing the file, which ends a per-file watch. Errors are printed and
 * watching goes on. Resolves with 0 when `signal` aborts (SIGINT/SIGTERM in the CLI).
 */
export async function watchGenerate(options: GenerateOptions, io: CliIo, quiet: boolean, signal: AbortSignal): Promise<number> {
  const watchers = new Map<string, FSWatcher>();
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
    const dirs = new Set([...inputs].map((f) => dirname(f)));
    for (const [dir, w] of watchers) {
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, (_event, name) => {
          const file = name === null ? undefined : join(dir, name.toString());
          // Our own outputs land in these directories too: only inputs count.
          if (file === undefined || inputs.has(file)) schedule(file ?? dir);
        });
        w.on('error', () => {
          w.close();
          watchers.delete(dir);
        });
        watchers.set(dir, w);
      } catch {
        // The directory vanished; the next successful run watches what exists then.
      }
    }
  };

  await run();
  if (!quiet) io.stdout.write(`netschema: watching ${inputs.size} file${inputs.size === 1 ? '' : 's'} for changes (Ctrl+C to stop)\n`);
  return new Promise<number>((resolveDone) => {
    const stop = (): void => {
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
      resolveDone(0);
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}


