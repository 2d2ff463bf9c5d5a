/** Where the CLI writes and what it runs in: process streams in main.ts, buffers in tests. */
export interface CliIo {
  readonly cwd: string;
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}
