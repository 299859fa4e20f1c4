import {
  isAlias, isMap, isNode, isScalar, isSeq, parseDocument, stringify, Scalar, type Document, type Pair, type YAMLMap, type YAMLSeq,
} from 'yaml';
import { ModelDockError } from '../../shared/errors';

/**
 * Writes one top-level section of modeldock.yaml (`kubernetes:`, `monitoring:`) as a set of small text edits, so
 * everything the user wrote survives a save from the GUI or the CLI: values that did not change stay byte for byte
 * (quoting, flow lists, comments on and around them, blank lines); a changed scalar is replaced where it stands (its
 * comments stay, its quoting style too); a changed list keeps its flow or block style; keys the new value no longer
 * has are removed; new keys are added after the last one. Text outside the section is never touched.
 *
 * Every result is checked: it must parse, the section must read back as the new value, and the text before and
 * after the section must be unchanged. Should an unusual layout defeat the edits (anchors, block scalars, a
 * dash on its own line...), only the section is re-emitted, which is still correct and leaves the rest intact.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

interface Edit {
  start: number;
  end: number;
  text: string;
  order: number;
}

/** An edit the merge cannot make in place: the caller rewrites the enclosing pair instead. */
const REWRITE = false;

export function updateSpecSection(text: string, section: string, value: unknown, headComment?: string): string {
  const plain = toJson(value, section);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const doc = parseSpec(text);
  const root = doc.contents;

  if (root !== null && !isMap(root)) {
    throw new ModelDockError({
      code: 'spec-not-mapping',
      title: 'The spec cannot be updated',
      message: `The ${section} settings could not be saved: the spec is not a set of "key: value" lines (a YAML mapping).`,
      fix: 'Fix the spec (modeldock spec check shows what is wrong), then save again.',
    });
  }
  if (root !== null && root.flow) {
    // A spec written as one flow mapping ({apiVersion: ..., model: ...}) has no lines to keep: set it the plain way.
    doc.set(section, plain);
    return doc.toString({ lineWidth: 0 });
  }

  const pair = root?.items.find((item) => keyName(item) === section);
  if (!root || !pair) return appendSection(text, section, plain, headComment, eol, root ? indentStep(text, root) : 2);

  const sectionStart = lineStart(text, (pair.key as Scalar).range![0]);
  const sectionEnd = lineEnd(text, pairEnd(text, pair));
  const column = (pair.key as Scalar).range![0] - sectionStart;
  const merge = new SectionMerge(text, doc, eol, indentStep(text, root));
  merge.pair(pair, plain, column);
  const edited = applyEdits(text, merge.edits);
  if (sectionIsExactly(edited, text, sectionStart, sectionEnd, section, plain)) return edited;

  // The edits did not give the value (an unusual layout): re-emit just this section, keep the rest as it is.
  const keySource = text.slice((pair.key as Scalar).range![0], (pair.key as Scalar).range![1]);
  const fresh = text.slice(0, sectionStart) + ' '.repeat(column)
    + withEol(pairText(keySource, plain, column, merge.step), eol) + eol + text.slice(sectionEnd);
  if (sectionIsExactly(fresh, text, sectionStart, sectionEnd, section, plain)) return fresh;
  throw new ModelDockError({
    code: 'spec-section-update-failed',
    title: 'The spec could not be updated',
    message: `Writing the ${section} settings into the spec did not give a file that reads back as those settings; nothing was changed.`,
    fix: `Edit the ${section}: section of modeldock.yaml by hand, or remove it and save again.`,
  });
}

/** The section as written in the file (no defaults filled in), or undefined when the file has none. */
export function sectionValue(text: string, section: string): unknown {
  const doc = parseSpec(text);
  const node = isMap(doc.contents) ? doc.contents.items.find((item) => keyName(item) === section)?.value : undefined;
  return node === undefined ? undefined : isNode(node) ? node.toJS(doc, { maxAliasCount: 100 }) : node;
}

function parseSpec(text: string) {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ModelDockError({
      code: 'spec-invalid',
      title: 'The spec cannot be updated',
      message: `The spec is not valid YAML (${doc.errors[0].message.split('\n')[0]}), so no setting can be written into it.`,
      fix: 'Fix the spec (modeldock spec check shows the line), then save again.',
    });
  }
  return doc;
}

function toJson(value: unknown, section: string): Json {
  if (value === undefined) {
    throw new ModelDockError({
      code: 'spec-section-missing-value',
      title: 'Nothing to save',
      message: `No value was given for the ${section} section.`,
      fix: 'Pass the section\'s settings as a JSON object.',
    });
  }
  // A JSON round trip: drops undefined keys and functions, so the comparison with the file is of data only.
  return JSON.parse(JSON.stringify(value)) as Json;
}

function keyName(item: Pair): string | null {
  return isScalar(item.key) && item.key.value !== null && typeof item.key.value !== 'object' ? String(item.key.value) : null;
}

/** Collects the edits that turn the existing section into the new value. */
class SectionMerge {
  readonly edits: Edit[] = [];

  constructor(private readonly text: string, private readonly doc: Document, private readonly eol: string, readonly step: number) {}

  /** The value of a block-mapping pair: merged in place, or the pair rewritten when its shape changes. */
  pair(pair: Pair, value: Json, column: number): void {
    const mark = this.edits.length;
    if (this.node(pair.value, value) !== REWRITE) return;
    this.edits.length = mark; // edits made below before the shape change was found are superseded by the rewrite
    const keyNode = pair.key as Scalar;
    const keySource = this.text.slice(keyNode.range![0], keyNode.range![1]);
    this.replace(keyNode.range![0], pairEnd(this.text, pair), pairText(keySource, value, column, this.step));
  }

  /** Edits `node` toward `value`; REWRITE when that cannot be done in place. */
  private node(node: unknown, value: Json): boolean {
    if (jsonEqual(this.plainOf(node), value)) return true;
    const inline = !isCollectionValue(value) || isEmptyCollection(value);
    if (isScalar(node)) {
      const [start, end] = node.range!;
      const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
      if (!inline || block || start === end) return REWRITE;
      this.replace(start, end, inlineText(value, node.type));
      return true;
    }
    if ((isMap(node) || isSeq(node)) && node.flow) {
      const [start, end] = node.range!;
      // `{}` / `[]` being filled becomes a block like the rest of the file; a written-out flow list stays flow.
      if (node.items.length === 0 && !inline) return REWRITE;
      this.replace(start, end, isCollectionValue(value) ? this.flowText(value, node) : inlineText(value, undefined));
      return true;
    }
    if (isMap(node) && isObject(value) && !inline) return this.blockMap(node, value);
    if (isSeq(node) && Array.isArray(value) && !inline) return this.blockSeq(node, value);
    return REWRITE;
  }

  private blockMap(node: YAMLMap, value: JsonMap): boolean {
    const first = node.items[0]?.key as Scalar | undefined;
    if (!first?.range) return REWRITE;
    const column = first.range[0] - lineStart(this.text, first.range[0]);
    const present = new Set<string>();
    for (const item of node.items) {
      const key = keyName(item);
      if (key === null || !isScalar(item.key) || !item.key.range) return REWRITE;
      present.add(key);
      if (Object.prototype.hasOwnProperty.call(value, key)) this.pair(item, value[key], column);
      else this.removeLines(item.key.range[0], pairEnd(this.text, item));
    }
    const added = Object.entries(value).filter(([key]) => !present.has(key));
    if (added.length > 0) {
      const lines = added.map(([key, child]) => ' '.repeat(column) + pairText(keyText(key), child, column, this.step));
      this.insertLines(lineEnd(this.text, pairEnd(this.text, node.items[node.items.length - 1])), lines);
    }
    return true;
  }

  /** Items are matched by position: changed ones edited in place, extra ones removed, new ones appended. */
  private blockSeq(node: YAMLSeq, value: Json[]): boolean {
    const dashAt = node.range![0];
    const dashColumn = dashAt - lineStart(this.text, dashAt);
    const items = node.items;
    for (let i = 0; i < Math.min(items.length, value.length); i++) {
      if (this.node(items[i], value[i]) === REWRITE) return REWRITE;
    }
    for (let i = value.length; i < items.length; i++) {
      const item = items[i];
      if (!isNode(item) || !item.range) return REWRITE;
      // Only an item that starts its own line can go line by line; anything else is rewritten with the list.
      if (!/^[ \t]*-[ \t]+$/.test(this.text.slice(lineStart(this.text, item.range[0]), item.range[0]))) return REWRITE;
      this.removeLines(item.range[0], contentEnd(this.text, item), true);
    }
    if (value.length > items.length) {
      const lines = value.slice(items.length).map((item) => `${' '.repeat(dashColumn)}- ${itemText(item, dashColumn + 2, this.step)}`);
      this.insertLines(lineEnd(this.text, contentEnd(this.text, items[items.length - 1])), lines);
    }
    return true;
  }

  /** A flow collection in the file's spacing; scalar items already there keep their written form ('b', "3"). */
  private flowText(value: Json, node: YAMLMap | YAMLSeq): string {
    const spaced = this.text[node.range![0] + 1] === ' ';
    const written = new Map<string, string>();
    for (const item of node.items) {
      const scalar = isSeq(node) ? item : (item as Pair).value;
      if (isScalar(scalar) && scalar.range && scalar.range[0] < scalar.range[1]) {
        written.set(JSON.stringify(scalar.toJS(this.doc)), this.text.slice(scalar.range[0], scalar.range[1]));
      }
    }
    const render = (v: Json): string => {
      if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${spaced ? ' ' : ''}${v.map(render).join(', ')}${spaced ? ' ' : ''}]`;
      if (isObject(v)) {
        const entries = Object.entries(v);
        return entries.length === 0 ? '{}' : `{${spaced ? ' ' : ''}${entries.map(([k, c]) => `${flowScalar(k)}: ${render(c)}`).join(', ')}${spaced ? ' ' : ''}}`;
      }
      return written.get(JSON.stringify(v)) ?? flowScalar(v);
    };
    return render(value);
  }

  private plainOf(node: unknown): Json | undefined {
    if (node === null || node === undefined) return null;
    if (!isNode(node)) return undefined;
    try {
      return JSON.parse(JSON.stringify(node.toJS(this.doc, { maxAliasCount: 100 }) ?? null)) as Json;
    } catch {
      return undefined;
    }
  }

  private replace(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text: text.replace(/\n/g, this.eol), order: this.edits.length });
  }

  /**
   * Removes whole lines (with their trailing comments). A list item goes with its own "- "; a key that shares its
   * line with the "- " of the item it belongs to keeps the dash.
   */
  private removeLines(from: number, to: number, listItem = false): void {
    const start = lineStart(this.text, from);
    const lead = listItem ? /^[ \t]*-[ \t]+$/ : /^[ \t]*$/;
    this.replace(lead.test(this.text.slice(start, from)) ? start : from, lineEnd(this.text, to), '');
  }

  private insertLines(at: number, lines: string[]): void {
    const needsBreak = at > 0 && this.text[at - 1] !== '\n';
    this.replace(at, at, `${needsBreak ? '\n' : ''}${lines.join('\n')}\n`);
  }
}

/** Applies non-overlapping edits back to front; at one offset, removals go first and later edits land before earlier ones. */
function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) =>
    b.start - a.start || Number(a.end === a.start) - Number(b.end === b.start) || b.order - a.order);
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

function appendSection(text: string, section: string, value: Json, headComment: string | undefined, eol: string, step: number): string {
  let out = text;
  if (out.length > 0 && !out.endsWith('\n')) out += eol;
  if (out.trim().length > 0 && !/\n[ \t]*\r?\n$/.test(out)) out += eol;
  const comment = headComment ? headComment.split(/\r?\n/).map((line) => `# ${line}`.trimEnd()) : [];
  return out + [...comment, pairText(keyText(section), value, 0, step)].join('\n').replace(/\n/g, eol) + eol;
}

/** `key: value` (first line unindented, later lines at `column` + step); no final newline. */
function pairText(keySource: string, value: Json, column: number, step: number): string {
  if (!isCollectionValue(value) || isEmptyCollection(value)) return `${keySource}: ${inlineText(value, undefined)}`;
  return `${keySource}:\n${indent(blockText(value, step), column + step)}`;
}

/** A block-sequence item's text after its "- ": a scalar, or a collection whose later lines sit at `column`. */
function itemText(value: Json, column: number, step: number): string {
  if (!isCollectionValue(value) || isEmptyCollection(value)) return inlineText(value, undefined);
  const [first, ...rest] = blockText(value, step).split('\n');
  return [first, ...rest.map((line) => (line ? ' '.repeat(column) + line : line))].join('\n');
}

function blockText(value: Json, step: number): string {
  return stringify(value, { indent: step, lineWidth: 0, minContentWidth: 0 }).replace(/\n$/, '');
}

function indent(text: string, column: number): string {
  return text.split('\n').map((line) => (line ? ' '.repeat(column) + line : line)).join('\n');
}

/** A scalar or empty collection on one line; strings keep the quoting style they had when there was one. */
function inlineText(value: Json, writtenAs: Scalar.Type | undefined): string {
  if (Array.isArray(value)) return '[]';
  if (isObject(value)) return '{}';
  if (typeof value !== 'string') return value === null ? 'null' : String(value);
  if (!value.includes('\n') && !value.includes('\r')) {
    if (writtenAs === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
    if (writtenAs === Scalar.QUOTE_DOUBLE) return JSON.stringify(value);
  }
  return plainIsSafe(value, false) ? value : JSON.stringify(value);
}

function flowScalar(value: Json): string {
  if (typeof value !== 'string') return inlineText(value, undefined);
  return plainIsSafe(value, true) ? value : JSON.stringify(value);
}

function keyText(key: string): string {
  return plainIsSafe(key, false) && !key.includes(':') ? key : JSON.stringify(key);
}

/** Whether a string can be written bare and still read back as the same string (yaml's own judgement). */
function plainIsSafe(value: string, inFlow: boolean): boolean {
  if (value === '' || /[\n\r\t]/.test(value) || (inFlow && /[,[\]{}]/.test(value))) return false;
  return stringify(value, { lineWidth: 0 }).replace(/\n$/, '') === value;
}

function isObject(value: Json): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCollectionValue(value: Json): value is Json[] | JsonMap {
  return typeof value === 'object' && value !== null;
}

function isEmptyCollection(value: Json): boolean {
  return Array.isArray(value) ? value.length === 0 : isObject(value) && Object.keys(value).length === 0;
}

function jsonEqual(a: Json | undefined, b: Json): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEqual(a[key], b[key]));
}

/** The offset just after the last character of a node's own text (its trailing comments and blank lines excluded). */
function contentEnd(text: string, node: unknown): number {
  if (!isNode(node) || !node.range) return 0;
  if ((isMap(node) || isSeq(node)) && !node.flow) {
    let end = node.range[0];
    for (const item of node.items) end = Math.max(end, isMap(node) ? pairEnd(text, item as Pair) : contentEnd(text, item));
    return end;
  }
  return node.range[1];
}

/** Where a pair's text ends: after its value, or after the colon when the value is empty. */
function pairEnd(text: string, pair: Pair): number {
  const key = pair.key as Scalar;
  const afterKey = key.range ? key.range[1] : 0;
  const valueEnd = contentEnd(text, pair.value);
  if (valueEnd > afterKey) return valueEnd;
  const colon = text.indexOf(':', afterKey);
  return colon >= 0 ? colon + 1 : afterKey;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset after the newline that ends the line `offset` is on (or the text's end). */
function lineEnd(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}

function withEol(text: string, eol: string): string {
  return text.replace(/\n/g, eol);
}

/** The indentation the file uses for nested keys (2 unless a section shows otherwise). */
function indentStep(text: string, root: YAMLMap): number {
  for (const item of root.items) {
    const child = item.value;
    if (isMap(child) && !child.flow && child.range && item.key && isScalar(item.key) && item.key.range) {
      const step = (child.range[0] - lineStart(text, child.range[0])) - (item.key.range[0] - lineStart(text, item.key.range[0]));
      if (step >= 1 && step <= 8) return step;
    }
  }
  return 2;
}

/** The edit gave the value, parses cleanly, and left the text before and after the section as it was. */
function sectionIsExactly(result: string, original: string, start: number, end: number, section: string, value: Json): boolean {
  const tail = original.slice(end);
  if (result.slice(0, start) !== original.slice(0, start) || !result.endsWith(tail) || result.length - tail.length < start) return false;
  const doc = parseDocument(result, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return false;
  const node = doc.contents.items.find((item) => keyName(item) === section)?.value;
  if (isAlias(node)) return false;
  const read = isNode(node) ? (JSON.parse(JSON.stringify(node.toJS(doc, { maxAliasCount: 100 }) ?? null)) as Json) : null;
  const others = doc.contents.items.filter((item) => keyName(item) === section).length;
  return others === 1 && jsonEqual(read, value);
}
