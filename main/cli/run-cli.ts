import { toErrorInfo, type ErrorInfo } from '../../shared/errors';
import { createEngine, type Engine } from '../engine/engine';
import { APP_VERSION } from '../engine/versions';
import { parseArgs, UsageError } from './args';
import { EXIT, HELP_OPTION, type CommandContext, type CommandDef } from './command';
import { applyCommand } from './commands/apply';
import { baseImageCommand } from './commands/base-image';
import { benchCommand } from './commands/bench';
import { buildCommand } from './commands/build';
import { bundleCommand } from './commands/bundle';
import { convertCommand } from './commands/convert';
import { exportCommand } from './commands/export';
import { fixCommand } from './commands/fix';
import { imagesCommand } from './commands/images';
import { inspectCommand } from './commands/inspect';
import { monitorProfileCommand, monitorRulesCommand } from './commands/monitor';
import { predictCommand } from './commands/predict';
import { pushCommand } from './commands/push';
import { runCommand } from './commands/run';
import { scanCommand } from './commands/scan';
import { serveCommand } from './commands/serve';
import { specCheckCommand, specInitCommand } from './commands/spec';
import { uiCommand } from './commands/ui';
import { validateCommand } from './commands/validate';
import { commandHelp, mainHelp } from './help';
import { ProgressBar } from './progress-bar';
import { styleFor, type CliIO } from './term';

export const COMMANDS: CommandDef[] = [
  inspectCommand, scanCommand, convertCommand, validateCommand, predictCommand, benchCommand, serveCommand, specInitCommand, specCheckCommand, fixCommand,
  uiCommand, buildCommand, baseImageCommand, imagesCommand, runCommand, pushCommand, exportCommand, applyCommand, bundleCommand,
  monitorProfileCommand, monitorRulesCommand,
];

export interface RunOptions {
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
  /** Tests may hand in an engine; by default one is created on first use and disposed at the end. */
  engine?: Engine;
}

/** Runs one `modeldock` command line and returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIO, options: RunOptions = {}): Promise<number> {
  const signal = options.signal ?? new AbortController().signal;
  const first = argv[0];
  if (first === undefined) {
    io.stderr.write(mainHelp(COMMANDS, APP_VERSION));
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const target = argv[1] ? findCommand(argv.slice(1)) : null;
    io.stdout.write(target ? commandHelp(target.command) : mainHelp(COMMANDS, APP_VERSION));
    return EXIT.ok;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout.write(`${APP_VERSION}\n`);
    return EXIT.ok;
  }

  const found = findCommand(argv);
  if (!found) return usage(io, new UsageError(unknownCommandMessage(argv)));
  const { command, rest } = found;
  const wantsJson = rest.includes('--json');
  let engine: Engine | undefined = options.engine;
  let ownEngine = false;
  try {
    const args = parseArgs(rest, [...command.options, HELP_OPTION], command.name);
    if (args.flags.has('help')) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    const ctx: CommandContext = {
      io,
      args,
      json: args.flags.has('json'),
      out: styleFor(io.stdout, io.env),
      err: styleFor(io.stderr, io.env),
      signal,
      engine() {
        if (!engine) {
          engine = createEngine({ shell: 'cli' });
          ownEngine = true;
        }
        return engine;
      },
      print: (text) => io.stdout.write(text),
      progress: () => new ProgressBar(io.stderr),
    };
    const code = await command.run(ctx);
    return signal.aborted && !command.runsUntilInterrupted ? EXIT.cancelled : code;
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error);
    const info = toErrorInfo(error);
    if (info.code === 'cancelled' || signal.aborted) {
      io.stderr.write('Cancelled.\n');
      return EXIT.cancelled;
    }
    printError(io, info, wantsJson);
    return EXIT.failure;
  } finally {
    if (ownEngine && engine) await engine.dispose().catch(() => {});
  }
}

function findCommand(argv: string[]): { command: CommandDef; rest: string[] } | null {
  const two = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (two) return { command: two, rest: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === argv[0]);
  return one ? { command: one, rest: argv.slice(1) } : null;
}

function unknownCommandMessage(argv: string[]): string {
  const subcommands = COMMANDS.filter((c) => c.name.startsWith(`${argv[0]} `)).map((c) => c.name);
  if (subcommands.length > 0) {
    return argv[1] === undefined || argv[1].startsWith('-')
      ? `"${argv[0]}" needs a subcommand: ${subcommands.join(', ')}`
      : `unknown subcommand "${argv[0]} ${argv[1]}"; try ${subcommands.join(', ')}`;
  }
  return `unknown command "${argv[0]}"`;
}

function usage(io: CliIO, error: UsageError): number {
  const where = error.command ? `modeldock ${error.command}` : 'modeldock';
  io.stderr.write(`${where}: ${error.message}\nRun "${where} --help" for usage.\n`);
  return EXIT.usage;
}

/** Title, cause and next step; the internal detail only with MODELDOCK_DEBUG=1. */
function printError(io: CliIO, info: ErrorInfo, json: boolean): void {
  const debug = io.env.MODELDOCK_DEBUG === '1';
  if (json) {
    const { detail, ...rest } = info;
    io.stdout.write(`${JSON.stringify({ error: debug ? info : rest }, null, 2)}\n`);
  }
  const s = styleFor(io.stderr, io.env);
  const lines = [`${s.red(s.bold('Error:'))} ${s.bold(info.title)}`, ...info.message.split('\n').map((l) => `  ${l}`)];
  if (info.fix) lines.push(`  ${s.bold('Fix:')} ${info.fix}`);
  if (debug && info.detail) lines.push('', s.dim(info.detail));
  io.stderr.write(`${lines.join('\n')}\n`);
}
