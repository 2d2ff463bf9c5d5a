import { displayPath, generate, UsageError, type GenerateOptions } from '@netschema/cli';
import { schemaError, usageError, type SchemaError } from './schema-error.js';

/** What one generator run means to the plugin: files involved, and the error to report, if any. */
export interface Outcome {
  readonly error?: SchemaError;
  readonly written: readonly string[];
  readonly schemas: readonly string[];
  readonly inputs: readonly string[];
}

/** Runs `netschema generate` in process; invocation problems (no config, nothing matched) become errors without a position. */
export async function runGenerate(options: GenerateOptions): Promise<Outcome> {
  try {
    const result = await generate(options);
    const base = { written: result.written, schemas: result.schemas, inputs: result.inputs };
    return result.diagnostics.length === 0 ? base : { ...base, error: schemaError(result.diagnostics, options.cwd ?? process.cwd()) };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return { error: usageError(e.message), written: [], schemas: [], inputs: [] };
  }
}

export { displayPath as displayPathOf };
