import { Command, Option } from 'commander';
import { generate } from '../generate/generate.js';
import type { CliIo } from './io.js';
import { reportResult } from './report-result.js';
import { watchGenerate } from './watch-generate.js';

interface GenerateFlags {
  check?: boolean;
  watch?: boolean;
  outDir?: string;
  cwd?: string;
  quiet?: boolean;
}

const EXAMPLES = `
Without file arguments, the schemas listed in the nearest package.json "netschema": { "schemas": [...] }
(or netschema.config.json: { "schemas": [...], "outDir": "..." }) are used, with globs relative to that file.
Output goes beside each schema: state.ts -> state.netschema.ts + state.netschema.json.

Examples:
  $ netschema generate src/state.ts             generate src/state.netschema.ts and .json
  $ netschema generate "src/**/*.schema.ts"     every file matching a glob
  $ netschema generate                          the schemas listed in the config
  $ netschema generate --check                  in CI: exit 1 if generated files are stale
  $ netschema generate --watch src/state.ts     regenerate on every save
  $ netschema generate --out-dir gen src/state.ts

Exit codes: 0 ok, 1 schema errors or stale files, 2 usage errors.`;

/** `netschema generate`: the action stores its exit code in `setExit`, since commander discards return values. */
export function generateCommand(io: CliIo, setExit: (code: number) => void, signal: AbortSignal): Command {
  return new Command('generate')
    .description('read @schema classes and write their codecs (<file>.netschema.ts) and manifests (<file>.netschema.json)')
    .argument('[files...]', 'schema files or globs (default: "schemas" from the netschema config)')
    .addOption(new Option('--check', 'generate in memory and compare with the files on disk; list stale or missing files and exit 1 if any').conflicts('watch'))
    .option('-w, --watch', 'keep running and regenerate when a schema file or a file it imports schema classes from changes')
    .option('-o, --out-dir <dir>', 'write generated files into <dir> (keeping the layout below the schemas\' common folder) instead of beside each schema')
    .option('--cwd <dir>', 'resolve files and search for the config from <dir> instead of the current directory')
    .option('-q, --quiet', 'print only errors')
    .addHelpText('after', EXAMPLES)
    .action(async (files: string[], flags: GenerateFlags) => {
      const cwd = flags.cwd === undefined ? io.cwd : (await import('node:path')).resolve(io.cwd, flags.cwd);
      const runIo: CliIo = { ...io, cwd };
      const options = { files, cwd, ...(flags.outDir === undefined ? {} : { outDir: flags.outDir }) };
      if (flags.watch === true) {
        setExit(await watchGenerate(options, runIo, flags.quiet === true, signal));
        return;
      }
      const result = await generate({ ...options, check: flags.check === true });
      setExit(reportResult(result, runIo, { check: flags.check === true, quiet: flags.quiet === true }));
    });
}
