import { UsageError, intValue, oneValue } from '../args';
import type { CommandContext, CommandDef } from '../command';
import { EXIT } from '../command';
import { CONTEXT_OPTION, contextField } from '../docker-context';
import type { LogLine } from '../../../shared/schemas/serve';

const LOG_POLL_MS = 250;

function parseEnv(items: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = eq > 0 ? item.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new UsageError(`--env expects KEY=VALUE (e.g. MODELDOCK_MAX_BATCH_SIZE=16), got "${item}"`, 'run');
    env[key] = item.slice(eq + 1);
  }
  return env;
}

function parseCpus(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0.05 || n > 256) throw new UsageError(`--cpus expects a number of cores between 0.05 and 256 (e.g. 0.5 or 2), got "${raw}"`, 'run');
  return n;
}

function printLine(ctx: CommandContext, line: LogLine, pretty: boolean): void {
  if (!pretty) {
    ctx.print(`${line.raw}\n`);
    return;
  }
  const level = line.level.toUpperCase().padEnd(5);
  const painted = line.level === 'error' ? ctx.out.red(level) : line.level === 'warn' ? ctx.out.yellow(level) : level;
  ctx.print(`${ctx.out.dim(line.time.slice(11, 23))} ${painted} ${line.message}\n`);
}

export const runCommand: CommandDef = {
  name: 'run',
  args: 'IMAGE',
  summary: 'Run a serving image in Docker on 127.0.0.1, in the foreground: waits until the model is ready, streams its logs',
  details: [
    'The port is published on 127.0.0.1 only (this machine); without --port a free one is chosen.',
    'CPU and memory limits apply to the container as they would in production. Ctrl-C stops it gracefully',
    '(requests in flight finish) and removes it.',
  ],
  options: [
    { name: 'port', value: 'N', help: 'Host port on 127.0.0.1 (default: a free one)' },
    { name: 'cpus', value: 'N', help: 'CPU limit in cores, e.g. 0.5 or 2 (default: no limit)' },
    { name: 'memory', value: 'MB', help: 'Memory limit in MB (default: no limit)' },
    { name: 'env', value: 'KEY=VALUE', variadic: true, help: 'Environment override for the server, e.g. MODELDOCK_MAX_BATCH_SIZE=16 (repeatable)' },
    { name: 'timeout', value: 'SECONDS', help: 'How long the model may take to become ready (default 60)' },
    CONTEXT_OPTION,
    { name: 'pretty', help: 'Print the log lines as readable text instead of JSON' },
  ],
  examples: [
    'modeldock run iris:1',
    'modeldock run iris:1 --port 9000 --cpus 1 --memory 512 --env MODELDOCK_LOG_LEVEL=warn --pretty',
  ],
  runsUntilInterrupted: true,
  async run(ctx) {
    const image = ctx.args.positionals[0];
    if (!image || ctx.args.positionals.length > 1) throw new UsageError('expects one IMAGE (name:tag or id)', 'run');
    const memoryMB = intValue(ctx.args, 'memory', 32, 1024 * 1024, 'run');
    const timeout = intValue(ctx.args, 'timeout', 1, 3600, 'run');
    const engine = ctx.engine();
    const pretty = ctx.args.flags.has('pretty');
    const where = contextField(ctx.args);

    const status = await engine.invoke('container.run', {
      image,
      port: intValue(ctx.args, 'port', 0, 65535, 'run'),
      cpus: parseCpus(oneValue(ctx.args, 'cpus')),
      memoryMB,
      env: parseEnv(ctx.args.values.get('env') ?? []),
      ...(timeout ? { readyTimeoutSeconds: timeout } : {}),
      ...where,
    }, {
      signal: ctx.signal,
      onProgress: (p) => ctx.io.stderr.write(ctx.err.dim(`${p.step}…\n`)),
    });
    ctx.io.stderr.write(`${ctx.err.green('Ready:')} ${status.url}  ${ctx.err.dim(`(container ${status.name}, ready in ${status.readyMs} ms; Ctrl-C stops and removes it)`)}\n`);

    let seq = 0;
    /** Prints the log lines written since the last call. */
    const printNewLines = async () => {
      const { lines, nextSeq } = await engine.invoke('container.logs', { id: status.id, afterSeq: seq, limit: 2000, ...where });
      for (const line of lines) printLine(ctx, line, pretty);
      seq = nextSeq;
    };
    let exitCode: number = EXIT.ok;
    while (!ctx.signal.aborted) {
      await printNewLines();
      const now = await engine.invoke('container.status', { id: status.id, ...where });
      if (now.state === 'exited' || now.state === 'removed') {
        ctx.io.stderr.write(`${ctx.err.red('The container stopped')} (exit code ${now.exitCode ?? 'unknown'}).\n`);
        exitCode = EXIT.failure;
        break;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, LOG_POLL_MS);
        ctx.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
      });
    }
    ctx.io.stderr.write(ctx.err.dim('Stopping (requests in flight finish first)…\n'));
    const stopped = await engine.invoke('container.stop', { id: status.id, ...where });
    await printNewLines();
    ctx.io.stderr.write(`Stopped and removed ${stopped.name}${stopped.exitCode !== null ? ` (exit code ${stopped.exitCode})` : ''}.\n`);
    return exitCode;
  },
};
