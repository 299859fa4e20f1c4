import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { formatJson, pathFor, prepareRequest, printfEscape, sampleBody, shellQuote } from '../../main/serving/try-protocols';
import { readPrediction } from '../../main/serving/try-send';
import { toV2Binary } from '../../main/serving/v2-binary';
import { isModelDockError } from '../../shared/errors';
import type { IoMeta } from '../../main/inference/worker-protocol';

const IRIS: IoMeta[] = [{ name: 'input', isTensor: true, elementType: 'float32', dims: ['batch', 4] }];
const MULTI: IoMeta[] = [
  { name: 'features', isTensor: true, elementType: 'float32', dims: ['batch', 3] },
  { name: 'category', isTensor: true, elementType: 'int64', dims: ['batch', 1] },
];
const LABELS = ['setosa', 'versicolor', 'virginica'];
const TARGET = { baseUrl: 'http://127.0.0.1:8080', modelName: 'iris' };

test('sample bodies follow each protocol\'s shape', () => {
  const lesson = JSON.parse(sampleBody('lesson', IRIS)) as { instances: number[][] };
  assert.equal(lesson.instances.length, 1);
  assert.equal(lesson.instances[0].length, 4);
  assert.ok(lesson.instances[0].every((v) => v >= 0 && v < 1 && String(v).length <= 8), 'short float text');
  const multi = JSON.parse(sampleBody('v1', MULTI)) as { instances: Array<Record<string, unknown>> };
  assert.deepEqual(Object.keys(multi.instances[0]), ['features', 'category']);
  assert.equal((multi.instances[0].category as number[]).length, 1);
  const v2 = JSON.parse(sampleBody('v2', MULTI)) as { inputs: Array<{ name: string; shape: number[]; datatype: string; data: unknown[] }> };
  assert.deepEqual(v2.inputs.map((i) => [i.name, i.datatype, i.shape]), [['features', 'FP32', [1, 3]], ['category', 'INT64', [1, 1]]]);
  assert.equal(pathFor('v1', 'my model'), '/v1/models/my%20model:predict');
  assert.equal(pathFor('v2-binary', 'iris'), '/v2/models/iris/infer');
  assert.equal(formatJson({ a: [[1, 2]], b: { c: 'x' } }), '{\n  "a": [[1,2]],\n  "b": {\n    "c": "x"\n  }\n}');
});

test('the V2 binary form: JSON header, then little-endian tensor bytes of each datatype', () => {
  const { body, headerLength } = toV2Binary(JSON.stringify({
    id: 'x',
    inputs: [
      { name: 'f', shape: [1, 2], datatype: 'FP32', data: [[1.5, -2]] },
      { name: 'i', shape: [1], datatype: 'INT64', data: [-3] },
      { name: 'b', shape: [2], datatype: 'BOOL', data: [true, false] },
      { name: 's', shape: [1], datatype: 'BYTES', data: ['hé'] },
    ],
  }));
  const header = JSON.parse(body.subarray(0, headerLength).toString()) as { inputs: Array<{ parameters: { binary_data_size: number }; data?: unknown }>; parameters: Record<string, unknown> };
  assert.deepEqual(header.inputs.map((i) => i.parameters.binary_data_size), [8, 8, 2, 7]);
  assert.ok(header.inputs.every((i) => i.data === undefined));
  assert.equal(header.parameters.binary_data_output, false);
  const rest = body.subarray(headerLength);
  assert.equal(rest.readFloatLE(0), 1.5);
  assert.equal(rest.readFloatLE(4), -2);
  assert.equal(rest.readBigInt64LE(8), -3n);
  assert.deepEqual([...rest.subarray(16, 18)], [1, 0]);
  assert.equal(rest.readUInt32LE(18), 3);
  assert.equal(rest.subarray(22).toString(), 'hé');
  for (const bad of ['nope', '{"inputs": 3}', '{"inputs": [{"name": "x", "datatype": "FP32", "data": ["a"]}]}', '{"inputs": [{"name": "x", "datatype": "INT64", "data": ["1.5"]}]}']) {
    assert.throws(() => toV2Binary(bad), (e: unknown) => isModelDockError(e) && e.code === 'try-bad-body', bad);
  }
});

test('shell quoting and printf escapes survive a real shell byte for byte', () => {
  const tricky = `it's a "test" with $HOME, \`cmd\`, 100% and \\n`;
  assert.equal(execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(tricky)}`], { encoding: 'utf8' }), tricky);
  const bytes = Buffer.from([0, 1, 0x25, 0x27, 0x5c, 0x7f, 0x80, 0xff, 0x41, 0x0a]);
  const out = execFileSync('/bin/sh', ['-c', `printf '${printfEscape(bytes)}'`]);
  assert.deepEqual([...out], [...bytes]);
  const prepared = prepareRequest('v2-binary', sampleBody('v2', IRIS), TARGET);
  const piped = execFileSync('/bin/sh', ['-c', prepared.curl.split(' | \\\n')[0]]);
  assert.deepEqual([...piped], [...(prepared.body as Buffer)], 'the printf part of the curl recipe writes exactly the request body');
});

test('the predicted class is read from each protocol\'s answer, and only from class scores', () => {
  const probs = [0.1, 0.2, 0.7];
  assert.deepEqual(readPrediction('lesson', { predictions: [probs], labels: ['virginica'] }, LABELS), { index: 2, label: 'virginica', score: 0.7 });
  assert.deepEqual(readPrediction('v1', { predictions: [probs] }, LABELS), { index: 2, label: 'virginica', score: 0.7 });
  assert.deepEqual(readPrediction('v1', { outputs: { probabilities: [probs] } }, LABELS), { index: 2, label: 'virginica', score: 0.7 });
  assert.deepEqual(readPrediction('v1', { predictions: [{ label: [2], probabilities: probs }] }, LABELS), { index: 2, label: 'virginica', score: 0.7 });
  assert.deepEqual(readPrediction('v2', { outputs: [{ name: 'p', shape: [2, 3], datatype: 'FP32', data: [...probs, 0.9, 0.05, 0.05] }] }, LABELS), { index: 2, label: 'virginica', score: 0.7 });
  assert.deepEqual(readPrediction('v2', { outputs: [{ name: 'p', shape: [1, 3], data: probs }] }, null), { index: 2, label: null, score: 0.7 });
  assert.equal(readPrediction('v2', { outputs: [{ name: 'total', shape: [1, 1], data: [16] }] }, null), null, 'a regression value is not a class');
  assert.equal(readPrediction('v1', { predictions: [[3.2, 8.1]] }, null), null, 'scores that are not probabilities need labels');
  assert.deepEqual(readPrediction('v1', { predictions: [1] }, LABELS), { index: 1, label: 'versicolor', score: null });
  assert.equal(readPrediction('v1', { error: 'bad' }, LABELS), null);
});
