import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Parses a tool's options; a bad one exits 2 with the tool's name, the problem and its usage. */
export function parseToolArgs<T extends ParseArgsConfig>(tool: string, usage: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    console.error(`${tool}: ${(e as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

/** An integer option in [min, max], or exit 2 naming the option, the range and what was given. */
export function intArg(tool: string, usage: string, name: string, v: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`${tool}: --${name} expects an integer from ${min} to ${max}, got '${v}'\n\n${usage}`);
    process.exit(2);
  }
  return n;
}

/** The arguments after the script, without the `--` that `pnpm x -- …` passes through. */
export function toolArgv(): string[] {
  const argv = process.argv.slice(2);
  if (argv[0] === '--') argv.shift();
  return argv;
}
