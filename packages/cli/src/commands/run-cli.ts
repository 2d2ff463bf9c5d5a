import { Command, CommanderError } from 'commander';
import { UsageError } from '../usage-error.js';
import { TOOL_VERSION } from '../version.js';
import { generateCommand } from './generate-command.js';
import type { CliIo } from './io.js';

/** Exit codes: 0 ok, 1 schema errors or stale files, 2 usage errors. */
export const EXIT_OK = 0;
export const EXIT_SCHEMA = 1;
export const EXIT_USAGE = 2;

/**
 * Runs the CLI with `argv` (arguments only, no node/script) and returns the exit code instead of
 * exiting, so tests and embedders can call it. `signal` stops `--watch`.
 */
export async function runCli(argv: readonly string[], io: CliIo, signal: AbortSignal = new AbortController().signal): Promise<number> {
  let code = EXIT_OK;
  const program = new Command('netschema')
    .description('netschema: binary state sync for multiplayer games. Generates codecs from decorated TypeScript classes.')
    .version(TOOL_VERSION, '-v, --version', 'print the netschema version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .addHelpText('after', '\nExamples:\n  $ netschema generate src/state.ts\n  $ netschema generate --check\n  $ netschema generate --help');
  program.addCommand(generateCommand(io, (c) => (code = c), signal).exitOverride());
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version requested on purpose exit 0; everything else commander rejects is a usage error.
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`netschema: ${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
