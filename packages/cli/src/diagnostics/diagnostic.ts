import { relative, sep } from 'node:path';

/** One schema problem, pointing at the source position that causes it (1-based line and column). */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  /** Absolute path of the file the problem is in. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** `Class.field: what is wrong and what is allowed`. */
  readonly message: string;
}

/** Every schema error the CLI reports; the README's table is checked against this list by a test. */
export const DIAGNOSTIC_CODES = {
  NS1001: 'unknown or misspelled wire type',
  NS1002: 'quantized range with min >= max or a non-finite bound',
  NS1003: 'bit count or precision outside the bit budget',
  NS1004: 'TypeScript type the wire type cannot hold',
  NS1005: 'too many fields in one class',
  NS1006: 'two schema classes (or enums) with the same name in one module',
  NS1007: 'reference to a class that is not @schema',
  NS1008: 'netschema field decorator in a class that is not @schema',
  NS1009: 'field declaration that does not fit the decorator mode (accessor vs plain property)',
  NS1010: 'decorator arguments that are not literals of the expected shape',
  NS1011: 'enum problem (too many members, non-constant member, not an enum)',
  NS1012: 'field name that is not a plain identifier or starts with $',
  NS1013: 'subclass redeclaring an inherited schema field',
  NS1014: 'field decorator on a static, private or protected member, or on a method or get/set accessor',
  NS1015: 'too many schema classes in one module',
  NS1016: 'schema class or enum not exported under its own name',
  NS1017: 'cycle of required child fields',
  NS1018: 'visibility marker (@ownerOnly, @teamOnly) without a wire type, repeated, or both on one field',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** Stable order: by file, then position, then code, so output does not depend on traversal order. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.col - b.col || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

/** Sorts and drops exact duplicates (a class shared by two modules is checked once per module). */
export function normalizeDiagnostics(list: Iterable<Diagnostic>): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const key = `${d.code}\0${d.file}\0${d.line}\0${d.col}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort(compareDiagnostics);
}

/** `path:line:col - error NS1xxx: message`, with the path relative to `cwd` when it lies inside it. */
export function formatDiagnostic(d: Diagnostic, cwd: string): string {
  return `${displayPath(d.file, cwd)}:${d.line}:${d.col} - error ${d.code}: ${d.message}`;
}

export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  const shown = rel === '' || rel.startsWith('..') ? file : rel;
  return shown.split(sep).join('/');
}
