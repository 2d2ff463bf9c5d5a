/** A problem with how the CLI was invoked (bad path, no config, nothing matched): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
