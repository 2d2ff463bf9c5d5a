import { existsSync } from 'node:fs';
import { displayPath, formatDiagnostic } from '../diagnostics/diagnostic.js';
import type { GenerateResult } from '../generate/generate.js';
import type { CliIo } from './io.js';

/** Prints diagnostics, written files and a summary; returns the exit code (1 on schema errors or stale files). */
export function reportResult(result: GenerateResult, io: CliIo, opts: { check: boolean; quiet: boolean }): number {
  const show = (f: string): string => displayPath(f, io.cwd);
  for (const d of result.diagnostics) io.stderr.write(`${formatDiagnostic(d, io.cwd)}\n`);
  if (!opts.quiet) for (const f of result.written) io.stdout.write(`wrote ${show(f)}\n`);
  for (const f of result.stale) io.stderr.write(`${existsSync(f) ? 'stale' : 'missing'}: ${show(f)}\n`);
  const errors = result.diagnostics.length;
  const files = new Set(result.diagnostics.map((d) => d.file)).size;
  if (errors > 0) io.stderr.write(`netschema: ${errors} schema error${errors === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}\n`);
  if (opts.check && result.stale.length > 0) {
    io.stderr.write(`netschema: ${result.stale.length} generated file${result.stale.length === 1 ? ' is' : 's are'} missing or out of date; run netschema generate\n`);
  } else if (!opts.quiet && errors === 0) {
    const n = result.schemas.length;
    const what = `${n} schema file${n === 1 ? '' : 's'}`;
    io.stdout.write(
      opts.check
        ? `netschema: generated files for ${what} are up to date\n`
        : `netschema: generated ${what} (${result.written.length} written, ${result.unchanged.length} unchanged)\n`,
    );
  }
  return errors > 0 || result.stale.length > 0 ? 1 : 0;
}
