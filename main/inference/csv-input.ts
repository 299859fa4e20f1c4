import { ModelDockError } from '../../shared/errors';
import type { InputSettings } from '../../shared/schemas/spec';
import type { HostTensor } from './host-tensor';
import { inputFor, nonTensorInput } from './json-input';
import { convertValue, valuesToTyped } from './tensor-codec';
import type { IoMeta } from './worker-protocol';

/**
 * CSV inputs: one row per example. The header row names the columns; the spec's `inputs.<name>.features` says
 * which columns feed which input and in what order (so a CSV with extra columns or another column order still
 * works). Without a spec, a single-input model takes every column in file order.
 */
export function parseCsvInputs(
  text: string, inputs: IoMeta[], settings: Record<string, InputSettings> | undefined, boundName?: string,
): HostTensor[] {
  const rows = parseCsvRows(text);
  if (rows.length === 0) throw csvError('The CSV file is empty.', 'Add a header row and at least one data row.');
  const first = rows[0];
  const hasHeader = !first.every((cell) => cell.trim() !== '' && !Number.isNaN(Number(cell)));
  const header = hasHeader ? first.map((h) => h.trim()) : first.map((_, i) => `column ${i + 1}`);
  const body = hasHeader ? rows.slice(1) : rows;
  const lineOffset = hasHeader ? 2 : 1;
  if (body.length === 0) throw csvError('The CSV has a header but no data rows.', 'Add one row per example under the header.');
  body.forEach((row, r) => {
    if (row.length !== header.length) {
      throw csvError(`Line ${r + lineOffset} has ${row.length} cells but the header has ${header.length} columns.`, 'Give every row one cell per column.');
    }
  });

  const featuresOf = (name: string): string[] | undefined => {
    const s = settings?.[name];
    return s && s.type === 'tabular' ? s.features : undefined;
  };
  let targets: Array<{ input: IoMeta; columns: string[] }>;
  if (boundName) {
    targets = [{ input: inputFor(boundName, inputs), columns: featuresOf(boundName) ?? header }];
  } else {
    targets = inputs.filter((i) => featuresOf(i.name)).map((input) => ({ input, columns: featuresOf(input.name)! }));
    if (targets.length === 0) {
      if (inputs.length !== 1) {
        throw new ModelDockError({
          code: 'ambiguous-input',
          title: 'Which input is this CSV for?',
          message: `This model has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}"`).join(', ')}); a CSV feeds one of them unless the spec lists each input's columns.`,
          fix: 'Bind the file to an input (NAME=file.csv), or set inputs.<name>.features in the spec.',
        });
      }
      targets = [{ input: inputs[0], columns: header }];
    }
  }

  return targets.map(({ input, columns }) => {
    if (!input.isTensor || !input.elementType) throw nonTensorInput(input.name);
    const type = input.elementType;
    const missing = columns.filter((c) => !header.includes(c));
    if (missing.length) {
      throw csvError(
        `Input "${input.name}" needs the column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c}"`).join(', ')}, which the CSV header (${header.join(', ')}) lacks.`,
        'Rename the CSV columns, or fix inputs.' + input.name + '.features in the spec.',
      );
    }
    const last = input.dims[input.dims.length - 1];
    if (columns === header && typeof last === 'number' && input.dims.length >= 2 && last !== columns.length) {
      throw csvError(
        `Input "${input.name}" expects ${last} features per row, but the CSV has ${columns.length} columns (${columns.join(', ')}).`,
        `List the ${last} columns the model takes, in order, under inputs.${input.name}.features in the spec.`,
      );
    }
    const indexes = columns.map((c) => header.indexOf(c));
    const cells: string[] = [];
    body.forEach((row, r) => {
      for (let c = 0; c < indexes.length; c++) {
        const cell = row[indexes[c]];
        if (type !== 'string') {
          if (cell.trim() === '') throw csvError(`Line ${r + lineOffset}, column "${columns[c]}": the cell is empty.`, 'Fill in every value (ModelDock does not guess missing values).');
          const converted = convertValue(cell, type);
          if (!converted.ok) throw csvError(`Line ${r + lineOffset}, column "${columns[c]}": ${converted.why} (input "${input.name}" takes ${type}).`, 'Fix the value, or leave that column out of the features.');
        }
        cells.push(type === 'string' ? cell : cell.trim());
      }
    });
    const dims = input.dims.length === 1 && columns.length === 1 ? [body.length] : [body.length, columns.length];
    return { name: input.name, elementType: type, dims, data: valuesToTyped(cells, type, input.name, dims) };
  });
}

/** RFC 4180 rows: quoted cells may hold commas, quotes ("") and newlines. Comma, semicolon or tab separated. */
export function parseCsvRows(text: string): string[][] {
  const source = text.replace(/^\uFEFF/, '');
  const firstLine = source.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(',') ? ',' : firstLine.includes('\t') ? '\t' : firstLine.includes(';') ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) { row.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      if (!(row.length === 1 && row[0] === '')) rows.push(row);
      row = [];
    } else cell += ch;
  }
  if (quoted) throw csvError('A quoted cell is never closed.', 'Close the quote, or remove it.');
  row.push(cell);
  if (!(row.length === 1 && row[0] === '')) rows.push(row);
  return rows;
}

function csvError(message: string, fix: string): ModelDockError {
  return new ModelDockError({ code: 'csv-invalid', title: 'The CSV cannot be used', message, fix });
}
