import { relative, resolve } from 'node:path';
import { displayPathOf, runGenerate, type Outcome } from './run-generate.js';
import { PLUGIN_NAME, type SchemaError } from './schema-error.js';
import type { Plugin, ViteDevServer } from 'vite';

export interface NetschemaPluginOptions {
  /** Schema files or globs, relative to `cwd`. Default: the project's config (`"netschema": { "schemas": [...] }` in package.json, or netschema.config.json). */
  readonly schemas?: string | readonly string[];
  /** Directory schema paths are relative to and the config search starts from. Default: Vite's `root`. */
  readonly cwd?: string;
}

/** Waits this long after the last change so one editor save (often several events) regenerates once. */
const DEBOUNCE_MS = 50;

/**
 * Generates codecs at build start and, in dev, again whenever a schema input changes. Generated
 * files are written only when their content changes, so Vite's own watcher turns a real change
 * into normal HMR of the importing modules. Schema errors fail `vite build` and, in dev, go to the
 * error overlay and the terminal while the server keeps running.
 */
export function netschema(options: NetschemaPluginOptions = {}): Plugin {
  const files = options.schemas === undefined ? undefined : typeof options.schemas === 'string' ? [options.schemas] : [...options.schemas];
  let cwd = resolve(options.cwd ?? '.');
  let server: ViteDevServer | undefined;
  // Inputs of the last run (schema files, files they import classes from, the config).
  let inputs = new Set<string>();
  let schemas = new Set<string>();
  // The error shown in the overlay now, re-sent to pages that connect later.
  let shown: SchemaError | undefined;
  let queue: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const generateNow = async (): Promise<Outcome> => {
    const outcome = await runGenerate({ cwd, ...(files === undefined ? {} : { files }) });
    if (outcome.inputs.length > 0) inputs = new Set(outcome.inputs);
    if (outcome.schemas.length > 0) schemas = new Set(outcome.schemas);
    return outcome;
  };

  /** Dev: generate, then show or clear the overlay error and watch what the outputs depend on. */
  const regenerate = (cause: string | undefined): Promise<void> => {
    queue = queue.then(async () => {
      if (server === undefined) return;
      const outcome = await generateNow();
      const logger = server.config.logger;
      server.watcher.add([...inputs]);
      if (outcome.error !== undefined) {
        shown = outcome.error;
        logger.error(`[${PLUGIN_NAME}] ${outcome.error.message}`, { timestamp: true });
        server.ws.send({ type: 'error', err: outcome.error });
        return;
      }
      if (shown !== undefined) {
        shown = undefined;
        // An empty update closes Vite's overlay; the written outputs (if any changed) follow as normal HMR.
        server.ws.send({ type: 'update', updates: [] });
      }
      if (cause !== undefined) {
        const wrote = outcome.written.length === 0 ? 'outputs unchanged' : `wrote ${outcome.written.map((f) => displayPathOf(f, cwd)).join(', ')}`;
        logger.info(`[${PLUGIN_NAME}] regenerated after ${displayPathOf(cause, cwd)} changed: ${wrote}`, { timestamp: true });
      }
    });
    return queue;
  };

  const onFileEvent = (file: string): void => {
    // Only what the outputs depend on: other edits (browser code, the generated files) are Vite's.
    if (!inputs.has(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void regenerate(file), DEBOUNCE_MS);
  };

  return {
    name: PLUGIN_NAME,
    // Before Vite's TypeScript transform, so a schema file imported by browser code gets this
    // plugin's explanation instead of Oxc's syntax error on its decorators.
    enforce: 'pre',

    configResolved(config) {
      cwd = resolve(config.root, options.cwd ?? '.');
    },

    configureServer(devServer) {
      server = devServer;
      devServer.watcher.on('change', onFileEvent);
      devServer.watcher.on('add', onFileEvent);
      devServer.watcher.on('unlink', onFileEvent);
      // A page opened (or reloaded) while a schema error stands gets it too.
      devServer.ws.on('connection', () => {
        if (shown !== undefined) devServer.ws.send({ type: 'error', err: shown });
      });
      devServer.httpServer?.once('close', () => clearTimeout(timer));
    },

    async buildStart() {
      if (server !== undefined) return regenerate(undefined);
      const outcome = await generateNow();
      if (outcome.error !== undefined) this.error(outcome.error);
    },

    transform: {
      order: 'pre',
      handler(_code, id) {
        const file = id.split('?')[0]!;
        if (!schemas.has(file) || this.environment.config.consumer !== 'client') return null;
        this.error(
          `${relative(cwd, file)} is a netschema schema file: it holds the server's decorated classes and is not meant for the browser. ` +
            `Import its generated module (${relative(cwd, file).replace(/\.ts$/, '.netschema.js')}) and @netschema/runtime/client instead.`,
        );
      },
    },
  };
}
