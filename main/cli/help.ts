import type { OptionDef } from './args';
import { HELP_OPTION, type CommandDef } from './command';
import { formatTable } from './table';

export const TAGLINE = 'take a trained model from your laptop to production';

export function mainHelp(commands: CommandDef[], version: string): string {
  const rows = commands.map((c) => [`${c.name}${c.args ? ` ${c.args}` : ''}`, c.summary.split(/[:;]/)[0]]);
  return [
    `ModelDock ${version}: ${TAGLINE}.`,
    '',
    'Usage: modeldock <command> [options]',
    '',
    'Commands:',
    formatTable(rows, { indent: 2, alignRight: [] }).trimEnd(),
    '',
    'Options:',
    formatTable([
      ['--json', 'Print machine-readable JSON on stdout instead of tables'],
      ['--spec FILE', 'Take the model (and labels, preprocessing) from a modeldock.yaml'],
      ['--help, -h', 'Show help; "modeldock <command> --help" for a command'],
      ['--version', 'Print the version'],
    ], { indent: 2, alignRight: [] }).trimEnd(),
    '',
    'Exit codes: 0 ok, 1 failure or validation errors, 2 usage error, 130 cancelled (Ctrl-C).',
    'Set NO_COLOR=1 for plain output and MODELDOCK_DEBUG=1 to see internal error details.',
    '',
  ].join('\n');
}

export function commandHelp(command: CommandDef): string {
  const options: OptionDef[] = [...command.options, HELP_OPTION];
  const rows = options.map((o) => [
    `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}${o.variadic ? '...' : ''}`,
    o.help,
  ]);
  const lines = [
    `Usage: modeldock ${command.name}${command.args ? ` ${command.args}` : ''} [options]`,
    '',
    `${command.summary}.`,
  ];
  if (command.details?.length) lines.push(...command.details);
  lines.push('', 'Options:', formatTable(rows, { indent: 2, alignRight: [] }).trimEnd());
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  lines.push('');
  return lines.join('\n');
}
