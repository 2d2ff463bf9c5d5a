/**
 * Programmatic API of the netschema generator: the same steps as `netschema generate`.
 */
export { generate, type GenerateOptions, type GenerateResult } from './generate/generate.js';
export { readSchema, readSchemas, type ReadResult } from './read-schema.js';
export { DIAGNOSTIC_CODES, displayPath, formatDiagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics/diagnostic.js';
export { findConfig, type NetschemaConfig } from './generate/find-config.js';
export { runCli, EXIT_OK, EXIT_SCHEMA, EXIT_USAGE } from './commands/run-cli.js';
export type { CliIo } from './commands/io.js';
export { UsageError } from './usage-error.js';
export { TOOL_VERSION } from './version.js';
export type * from './ir/schema-ir.js';
