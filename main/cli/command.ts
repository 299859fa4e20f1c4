import type { Engine } from '../engine/engine';
import type { OptionDef, ParsedArgs } from './args';
import { ProgressBar } from './progress-bar';
import type { CliIO, Style } from './term';

/** What every command gets: its parsed arguments, the terminal, the engine (made on first use) and Ctrl-C. */
export interface CommandContext {
  io: CliIO;
  args: ParsedArgs;
  json: boolean;
  /** Styles for stdout and stderr (colour only on a terminal). */
  out: Style;
  err: Style;
  signal: AbortSignal;
  engine(): Engine;
  print(text: string): void;
  progress(): ProgressBar;
}

export interface CommandDef {
  /** "inspect", or "spec init" for a subcommand. */
  name: string;
  /** Positional arguments as shown in usage, e.g. "MODEL". */
  args: string;
  summary: string;
  details?: string[];
  options: OptionDef[];
  examples?: string[];
  /** Ctrl-C is how this command normally ends (a server), not a cancellation. */
  runsUntilInterrupted?: boolean;
  run(ctx: CommandContext): Promise<number>;
}

export const JSON_OPTION: OptionDef = { name: 'json', help: 'Print machine-readable JSON on stdout instead of tables' };
export const HELP_OPTION: OptionDef = { name: 'help', short: 'h', help: 'Show this help' };
export const SPEC_OPTION: OptionDef = {
  name: 'spec', value: 'FILE',
  help: 'Use this modeldock.yaml; MODEL may then be left out (the spec\'s model.path is used)',
};

export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;
