// The `netschema-cluster` process: real streams, signals and exit for runLauncher.
import { runLauncher } from './run-launcher.js';

process.exitCode = await runLauncher(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stopSignals: (onSignal) => {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(name, () => onSignal(name));
  },
  onExit: (fn) => process.once('exit', fn),
});
// Signal handlers would keep nothing alive, but an exit now makes sure no stray handle does.
process.exit();
