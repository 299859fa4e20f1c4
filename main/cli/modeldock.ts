import { runCli } from './run-cli';

/**
 * The `modeldock` command (bundled to dist/modeldock.js; bin/modeldock.js runs it). Ctrl-C (or SIGTERM) aborts the
 * running call through its AbortSignal; a second Ctrl-C exits at once.
 */
const controller = new AbortController();
let interrupts = 0;
const onSignal = () => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }, { signal: controller.signal })
  .then((code) => {
    process.exitCode = code;
    // Leave time for stdout to drain, but do not let a stray handle keep the process alive.
    setTimeout(() => process.exit(code), 3000).unref();
  });
