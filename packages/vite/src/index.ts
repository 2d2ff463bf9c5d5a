/**
 * @netschema/vite: `netschema generate` inside Vite. Codecs are generated when Vite starts and
 * regenerated whenever a schema file (or a file it imports classes from, or the config) is saved;
 * schema errors go to Vite's overlay at their file:line:col, and fail `vite build`.
 */
import { displayPath, formatDiagnostic, generate, UsageError, type Diagnostic, type GenerateResult } from '@netschema/cli';
import type { Plugin, ViteDevServer } from 'vite';

export interface NetschemaPluginOptions {
  /** Schema files or globs, relative to `cwd`. Default: the `netschema.schemas` config in package.json. */
  schemas?: string | readonly string[];
  /** Where paths and the config search start. Default: Vite's `root`. */
  cwd?: string;
}

const NAME = '@netschema/vite';
/** Editors often write a file in several steps; one regeneration per burst of saves. */
const DEBOUNCE_MS = 50;

export function netschema(options: NetschemaPluginOptions = {}): Plugin {
  let cwd = options.cwd ?? process.cwd();
  const files = options.schemas === undefined ? undefined : typeof options.schemas === 'string' ? [options.schemas] : [...options.schemas];
  let inputs = new Set<string>();
  let server: ViteDevServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const run = (): Promise<GenerateResult> => generate({ cwd, ...(files === undefined ? {} : { files }) });

  /** Regenerates in dev: errors to the overlay and the terminal, the server keeps going. */
  const regenerate = async (): Promise<void> => {
    const dev = server!;
    let result: GenerateResult;
    try {
      result = await run();
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      dev.config.logger.error(`[netschema] ${e.message}`);
      dev.ws.send({ type: 'error', err: { message: e.message, stack: '', plugin: NAME } });
      return;
    }
    watch(dev, result.inputs);
    const first = result.diagnostics[0];
    if (first !== undefined) {
      for (const d of result.diagnostics) dev.config.logger.error(`[netschema] ${formatDiagnostic(d, cwd)}`);
      dev.ws.send({ type: 'error', err: overlayError(first, result.diagnostics, cwd) });
    } else if (result.written.length > 0) {
      dev.config.logger.info(`[netschema] regenerated ${result.written.map((f) => displayPath(f, cwd)).join(', ')}`, { timestamp: true });
    }
  };

  const watch = (dev: ViteDevServer, now: readonly string[]): void => {
    const next = new Set(now);
    const added = now.filter((f) => !inputs.has(f));
    if (added.length > 0) dev.watcher.add(added);
    inputs = next;
  };

  return {
    name: NAME,
    configResolved(config) {
      cwd = options.cwd ?? config.root;
    },
    async buildStart() {
      if (server !== undefined) return; // dev: configureServer's first run did it
      const result = await run();
      const first = result.diagnostics[0];
      if (first !== undefined) {
        this.error({ message: summary(result.diagnostics, cwd), id: first.file, loc: { file: first.file, line: first.line, column: first.col } });
      }
    },
    async configureServer(dev) {
      server = dev;
      await regenerate();
      dev.watcher.on('all', (_event, file) => {
        if (!inputs.has(file)) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          // One run at a time; a save during a run starts another after it.
          running = running.then(regenerate, regenerate);
        }, DEBOUNCE_MS);
      });
    },
  };
}

/** Every diagnostic, one per line, positions relative to the project. */
function summary(diagnostics: readonly Diagnostic[], cwd: string): string {
  const n = diagnostics.length;
  return `${n} schema error${n === 1 ? '' : 's'}:\n${diagnostics.map((d) => formatDiagnostic(d, cwd)).join('\n')}`;
}

/** Vite's error payload: the overlay shows the message and opens the first error's file:line:col. */
function overlayError(first: Diagnostic, all: readonly Diagnostic[], cwd: string) {
  return {
    message: summary(all, cwd),
    stack: '',
    id: first.file,
    plugin: NAME,
    loc: { file: first.file, line: first.line, column: first.col },
  };
}
