import { readFileSync } from 'node:fs';
import { formatDiagnostic, type Diagnostic } from '@netschema/cli';
import { codeFrame } from './code-frame.js';

export const PLUGIN_NAME = '@netschema/vite';

/** The error object Vite's overlay renders (`server.ws.send({ type: 'error', err })`) and `this.error` accepts. */
export interface SchemaError {
  message: string;
  id?: string;
  loc?: { file: string; line: number; column: number };
  plugin: string;
  frame?: string;
  stack: string;
}

/**
 * One error for all schema problems: the overlay shows a single error, so every diagnostic goes
 * into the message (one `file:line:col - error NSxxxx: ...` line each, as the CLI prints them) and
 * the location and code frame point at the first.
 */
export function schemaError(diagnostics: readonly Diagnostic[], cwd: string): SchemaError {
  const first = diagnostics[0]!;
  const lines = diagnostics.map((d) => formatDiagnostic(d, cwd));
  const count = diagnostics.length === 1 ? '1 schema error' : `${diagnostics.length} schema errors`;
  const error: SchemaError = {
    message: `netschema: ${count}\n${lines.join('\n')}`,
    id: first.file,
    loc: { file: first.file, line: first.line, column: first.col },
    plugin: PLUGIN_NAME,
    // No JavaScript stack means anything for a schema problem; the overlay shows this text in its place.
    stack: lines.join('\n'),
  };
  const frame = readFrame(first);
  if (frame !== undefined) error.frame = frame;
  return error;
}

/** An invocation problem (no config, no schema file matched) has no position. */
export function usageError(message: string): SchemaError {
  return { message: `netschema: ${message}`, plugin: PLUGIN_NAME, stack: '' };
}

function readFrame(d: Diagnostic): string | undefined {
  try {
    return codeFrame(readFileSync(d.file, 'utf8'), d.line, d.col);
  } catch {
    return undefined; // the file went away between generating and reporting: the message still says where
  }
}
