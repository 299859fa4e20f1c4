import { ModelDockError } from '../../shared/errors';

/** Nested JSON arrays -> flat values + dims; ragged lists are an error naming where they go wrong. */
export function flattenNested(value: unknown, inputName: string): { dims: number[]; values: unknown[] } {
  const dims: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    dims.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const values: unknown[] = [];
  const walk = (node: unknown, depth: number, where: number[]): void => {
    if (depth === dims.length) {
      if (Array.isArray(node)) throw ragged(inputName, where, `is a list where a value was expected (other rows go ${dims.length} levels deep)`);
      if (node !== null && typeof node === 'object') throw ragged(inputName, where, 'is an object where a value was expected');
      values.push(node);
      return;
    }
    if (!Array.isArray(node)) throw ragged(inputName, where, `is a single value where a list of ${dims[depth]} was expected`);
    if (node.length !== dims[depth]) throw ragged(inputName, where, `has ${node.length} items where the first has ${dims[depth]}`);
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, [...where, i]);
  };
  walk(value, 0, []);
  return { dims, values };
}

function ragged(inputName: string, where: number[], why: string): ModelDockError {
  const at = where.length ? `[${where.join('][')}]` : 'the top level';
  return new ModelDockError({
    code: 'ragged-input',
    title: 'The nested lists are not rectangular',
    message: `Input "${inputName}": the value at ${at} ${why}.`,
    fix: 'Every row must have the same length (a tensor is a rectangular block of numbers).',
  });
}
