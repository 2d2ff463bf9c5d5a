import { runCli } from './commands/run-cli.js';

// Ctrl+C (or a supervisor's SIGTERM) ends --watch cleanly: watchers closed, exit code 0.
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

process.exitCode = await runCli(process.argv.slice(2), { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr }, stop.signal);
// Nothing else should keep the process alive once the command is done.
process.removeAllListeners('SIGINT');
process.removeAllListeners('SIGTERM');
