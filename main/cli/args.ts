/**
 * A small argv parser driven by each command's option list, so an unknown or misspelt option is a usage error
 * (exit code 2) instead of being silently ignored.
 */
export interface OptionDef {
  /** Long name without dashes, e.g. "input". */
  name: string;
  /** Placeholder for the value ("FILE", "N"); absent for a flag. */
  value?: string;
  /** Takes several values: repeated (--input a --input b) or listed (--input a b). */
  variadic?: boolean;
  help: string;
  short?: string;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: string[], options: OptionDef[], command?: string): ParsedArgs {
  const byName = new Map<string, OptionDef>();
  for (const o of options) {
    byName.set(o.name, o);
    if (o.short) byName.set(o.short, o);
  }
  const parsed: ParsedArgs = { positionals: [], flags: new Set(), values: new Map() };
  let onlyPositionals = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
    const eq = body.indexOf('=');
    const key = eq >= 0 ? body.slice(0, eq) : body;
    const inline = eq >= 0 ? body.slice(eq + 1) : undefined;
    const def = byName.get(key);
    if (!def) {
      const hint = nearestOption(key, options);
      throw new UsageError(`unknown option ${arg.startsWith('--') ? '--' : '-'}${key}${hint ? ` (did you mean --${hint}?)` : ''}`, command);
    }
    if (!def.value) {
      if (inline !== undefined) throw new UsageError(`--${def.name} does not take a value`, command);
      parsed.flags.add(def.name);
      continue;
    }
    const list = parsed.values.get(def.name) ?? [];
    if (list.length > 0 && !def.variadic) throw new UsageError(`--${def.name} was given more than once`, command);
    if (inline !== undefined) {
      list.push(inline);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`--${def.name} needs a value (${def.value})`, command);
      }
      list.push(next);
      i++;
      // A variadic option also takes the words after its value, up to the next option.
      while (def.variadic && argv[i + 1] !== undefined && !argv[i + 1].startsWith('-')) list.push(argv[++i]);
    }
    parsed.values.set(def.name, list);
  }
  return parsed;
}

export function oneValue(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}

export function intValue(args: ParsedArgs, name: string, min: number, max: number, command?: string): number | undefined {
  const raw = oneValue(args, name);
  if (raw === undefined) return undefined;
  return parseIntIn(raw, `--${name}`, min, max, command);
}

/** "1,8,32" -> [1, 8, 32]. */
export function intList(args: ParsedArgs, name: string, min: number, max: number, command?: string): number[] | undefined {
  const raw = args.values.get(name);
  if (!raw) return undefined;
  const items = raw.flatMap((r) => r.split(',')).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`--${name} needs a comma-separated list of numbers, e.g. 1,8`, command);
  return [...new Set(items.map((s) => parseIntIn(s, `--${name}`, min, max, command)))];
}

function parseIntIn(raw: string, what: string, min: number, max: number, command?: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${what} expects a whole number, got "${raw}"`, command);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`${what} must be between ${min} and ${max}, got ${n}`, command);
  return n;
}

function nearestOption(key: string, options: OptionDef[]): string | null {
  const candidates = options.map((o) => o.name).filter((n) => n.startsWith(key.slice(0, 2)) || key.startsWith(n.slice(0, 3)));
  return candidates.length === 1 ? candidates[0] : null;
}
