import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { SpecSchema, type Spec, type SpecIssue } from '../../shared/schemas/spec';

/**
 * Turns modeldock.yaml text into a Spec or a list of issues a data scientist can act on: each issue names the key
 * path ("inputs.image.layout"), says what is allowed, and carries the line it sits on. YAML syntax errors and
 * schema errors come out the same way, so the GUI and `modeldock spec check` show one kind of message.
 */
export interface SpecValidation {
  spec: Spec | null;
  issues: SpecIssue[];
}

type PathPart = string | number;

export function validateSpecText(text: string): SpecValidation {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number | null =>
    offset === undefined ? null : lineCounter.linePos(offset).line;

  if (doc.errors.length > 0) {
    return {
      spec: null,
      issues: doc.errors.map((error) => ({
        path: '',
        message: `YAML syntax: ${firstLine(error.message)}`,
        line: lineAt(error.pos?.[0]),
      })),
    };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { spec: null, issues: [{ path: '', message: `YAML: ${firstLine(String((error as Error).message ?? error))}`, line: null }] };
  }
  if (data === null || data === undefined) {
    return { spec: null, issues: [{ path: '', message: 'The spec is empty: it needs at least apiVersion and a model section.', line: 1 }] };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { spec: null, issues: [{ path: '', message: 'The spec must be a set of "key: value" lines (a YAML mapping), starting with apiVersion.', line: 1 }] };
  }

  const parsed = SpecSchema.safeParse(data);
  const issues: SpecIssue[] = [];
  if (!parsed.success) {
    for (const zodIssue of parsed.error.issues) issues.push(...describeIssue(zodIssue, doc, data, lineAt));
  } else if (parsed.data.labels && parsed.data.labelsFile) {
    issues.push({
      path: 'labelsFile',
      message: 'Use either labels or labelsFile, not both: remove one of them.',
      line: lineAt(nodeStart(doc, ['labelsFile'])),
    });
  }
  issues.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  return { spec: parsed.success && issues.length === 0 ? parsed.data : null, issues };
}

export function formatPath(parts: readonly PathPart[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

function describeIssue(
  issue: z.ZodIssue, doc: Document, data: unknown, lineAt: (offset: number | undefined) => number | null,
): SpecIssue[] {
  const at = (parts: PathPart[], key = false) => lineAt(key ? keyStart(doc, parts) : nodeStart(doc, parts) ?? nearestStart(doc, parts));
  const path = issue.path;

  switch (issue.code) {
    case z.ZodIssueCode.unrecognized_keys: {
      const allowed = allowedKeys(path, data);
      return issue.keys.map((key) => {
        const suggestion = allowed.length ? closest(key, allowed) : null;
        const hint = suggestion ? ` Did you mean "${suggestion}"?` : '';
        const list = allowed.length ? ` Allowed keys here: ${allowed.join(', ')}.` : '';
        return { path: formatPath([...path, key]), message: `Unknown key "${key}".${hint}${list}`, line: at([...path, key], true) };
      });
    }
    case z.ZodIssueCode.invalid_type: {
      if (issue.received === 'undefined') {
        return [{ path: formatPath(path), message: `Missing required key "${String(path[path.length - 1])}" (${typeWords(issue.expected)}).`, line: at(path.slice(0, -1)) }];
      }
      return [{
        path: formatPath(path),
        message: `Expected ${typeWords(issue.expected)}, but found ${typeWords(issue.received)}.`,
        line: at(path),
      }];
    }
    case z.ZodIssueCode.invalid_literal:
      return [{ path: formatPath(path), message: `Must be exactly "${String(issue.expected)}".`, line: at(path) }];
    case z.ZodIssueCode.invalid_enum_value:
      return [{
        path: formatPath(path),
        message: `"${String(issue.received)}" is not allowed. Use one of: ${issue.options.map(String).join(', ')}.`,
        line: at(path),
      }];
    case z.ZodIssueCode.invalid_union_discriminator:
      return [{
        path: formatPath(path),
        message: `Unknown type. Use one of: ${issue.options.map(String).join(', ')}.`,
        line: at(path),
      }];
    case z.ZodIssueCode.too_small:
      return [{ path: formatPath(path), message: sizeWords('at least', issue.type, issue.minimum), line: at(path) }];
    case z.ZodIssueCode.too_big:
      return [{ path: formatPath(path), message: sizeWords('at most', issue.type, issue.maximum), line: at(path) }];
    default:
      return [{ path: formatPath(path), message: sentence(issue.message), line: at(path) }];
  }
}

function sizeWords(bound: string, type: string, limit: number | bigint): string {
  const n = Number(limit);
  if (type === 'string') return n === 1 && bound === 'at least' ? 'Must not be empty.' : `Must be ${bound} ${n} characters long.`;
  if (type === 'array') return `Must list ${bound} ${n} item${n === 1 ? '' : 's'}.`;
  return `Must be ${bound} ${n}.`;
}

function typeWords(type: string): string {
  switch (type) {
    case 'string': return 'text';
    case 'number': case 'float': return 'a number';
    case 'integer': return 'a whole number';
    case 'boolean': return 'true or false';
    case 'array': return 'a list';
    case 'object': return 'a set of "key: value" lines';
    case 'null': return 'nothing (an empty value)';
    case 'undefined': return 'nothing';
    default: return type;
  }
}

function sentence(text: string): string {
  const t = text.trim();
  return t ? t.charAt(0).toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.') : 'Invalid value.';
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function nodeStart(doc: Document, parts: PathPart[]): number | undefined {
  if (parts.length === 0) return doc.contents?.range?.[0];
  const node = doc.getIn(parts, true) as { range?: [number, number, number] } | undefined;
  return node && typeof node === 'object' && node.range ? node.range[0] : undefined;
}

/** The line of a key itself (an unknown key's value may be empty or on later lines). */
function keyStart(doc: Document, parts: PathPart[]): number | undefined {
  const parent = parts.length === 1 ? doc.contents : doc.getIn(parts.slice(0, -1), true);
  const key = parts[parts.length - 1];
  if (isMap(parent)) {
    for (const pair of parent.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === String(key)) return pair.key.range?.[0];
    }
  }
  return nearestStart(doc, parts.slice(0, -1));
}

/** For a missing key: the closest ancestor that exists in the document. */
function nearestStart(doc: Document, parts: PathPart[]): number | undefined {
  for (let n = parts.length; n >= 0; n--) {
    const start = nodeStart(doc, parts.slice(0, n));
    if (start !== undefined) return start;
  }
  return undefined;
}

/** Keys the schema accepts for the object at `path` (walking the data too, to pick a discriminated union branch). */
function allowedKeys(path: PathPart[], data: unknown): string[] {
  let schema: z.ZodTypeAny = SpecSchema;
  let value: unknown = data;
  for (const part of path) {
    schema = unwrap(schema, value);
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodTypeAny>)[String(part)];
    else if (schema instanceof z.ZodRecord) schema = schema._def.valueType;
    else if (schema instanceof z.ZodArray) schema = schema._def.type;
    else return [];
    if (!schema) return [];
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[String(part)] : undefined;
  }
  schema = unwrap(schema, value);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape as object) : [];
}

function unwrap(schema: z.ZodTypeAny, value: unknown): z.ZodTypeAny {
  for (let i = 0; i < 10; i++) {
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
      schema = schema._def.innerType;
    } else if (schema instanceof z.ZodEffects) {
      schema = schema._def.schema;
    } else if (schema instanceof z.ZodDiscriminatedUnion) {
      const key = value && typeof value === 'object' ? (value as Record<string, unknown>)[schema.discriminator] : undefined;
      const option = schema.optionsMap.get(key as never);
      if (!option) return schema;
      schema = option;
    } else {
      return schema;
    }
  }
  return schema;
}

/** A near miss ("layot" -> "layout") within two edits, to suggest in the message. */
function closest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
