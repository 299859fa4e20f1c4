/**
 * Replaces one top-level section of modeldock.yaml as text, so everything else in the file (other sections, the
 * user's comments, key order) stays exactly as written. Only the replaced section is re-emitted; the engine's
 * spec.write validates the whole file before anything is saved.
 *
 * The renderer bundle has no YAML library (only the engine does), and the settings written here are plain data
 * (numbers, booleans, strings, lists and maps of them), so a small block-style emitter is enough.
 */

export type PlainData = Plain;
type Plain = string | number | boolean | null | undefined | Plain[] | { [key: string]: Plain };

const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;
const PLAIN_SCALAR = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

/** A string as a YAML scalar: bare when it cannot be read as anything else, else JSON-quoted (valid YAML). */
export function yamlScalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return PLAIN_SCALAR.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
}

function isMap(value: Plain): value is { [key: string]: Plain } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(map: { [key: string]: Plain }): [string, Plain][] {
  return Object.entries(map).filter(([, v]) => v !== undefined);
}

/** Lines of a block mapping/sequence value at the given indent (the key's line is written by the caller). */
function blockLines(value: Plain, indent: string): string[] {
  if (isMap(value)) {
    return entries(value).flatMap(([key, child]) => keyLines(key, child, indent));
  }
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (isMap(item) && entries(item).length > 0) {
        const [first, ...rest] = blockLines(item, `${indent}  `);
        return [`${indent}- ${first.trimStart()}`, ...rest];
      }
      return [`${indent}- ${inline(item)}`];
    });
  }
  return [`${indent}${inline(value)}`];
}

function inline(value: Plain): string {
  if (isMap(value)) return '{}';
  if (Array.isArray(value)) return '[]';
  return yamlScalar(value ?? null);
}

function keyLines(key: string, value: Plain, indent: string): string[] {
  const name = yamlScalar(key);
  const nested = (isMap(value) && entries(value).length > 0) || (Array.isArray(value) && value.length > 0);
  if (!nested) return [`${indent}${name}: ${inline(value)}`];
  return [`${indent}${name}:`, ...blockLines(value, `${indent}  `)];
}

/** "key:\n  a: 1\n" for one top-level key. */
export function sectionText(key: string, value: Plain): string {
  return `${keyLines(key, value, '').join('\n')}\n`;
}

/**
 * The text with the top-level `key:` section replaced by `value` (appended when the file has none). The section
 * runs from its key to the next line that starts in column 0; blank lines before that next line are kept.
 */
export function replaceSection(text: string, key: string, value: Plain, comment?: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const fresh = sectionText(key, value).replace(/\n$/, '').split('\n');
  const start = lines.findIndex((line) => new RegExp(`^${key}\\s*:`).test(line));
  if (start < 0) {
    while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
    const added = [...(lines.length > 0 ? [''] : []), ...(comment ? [`# ${comment}`] : []), ...fresh];
    return [...lines, ...added, ''].join(eol);
  }
  let end = start + 1;
  while (end < lines.length && !/^\S/.test(lines[end])) end++;
  // Blank lines at the end of the old section separate it from what follows: keep them.
  let keepFrom = end;
  while (keepFrom > start + 1 && lines[keepFrom - 1].trim() === '') keepFrom--;
  return [...lines.slice(0, start), ...fresh, ...lines.slice(keepFrom)].join(eol);
}
