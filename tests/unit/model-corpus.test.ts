import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { detectFormat } from '../../main/model/detect-format';
import { readOnnxModel } from '../../main/model/onnx-inspect';
import { validateStatic } from '../../main/model/validate-static';

/**
 * Real exporter output: every model.onnx of the ONNX backend test data (Debian's libonnx-testdata) must be
 * detected as ONNX and inspected, with as many user inputs as its test data set feeds.
 */
const ROOT = '/usr/share/libonnx-testdata/data';

test('the ONNX backend test models are detected and inspected', { skip: fs.existsSync(ROOT) ? false : `${ROOT} is not installed (apt-get install libonnx-testdata)` }, async () => {
  let models = 0;
  const problems: string[] = [];
  for (const group of fs.readdirSync(ROOT)) {
    for (const name of fs.readdirSync(path.join(ROOT, group))) {
      const file = path.join(ROOT, group, name, 'model.onnx');
      if (!fs.existsSync(file)) continue;
      models++;
      const detection = await detectFormat(file);
      if (detection.format !== 'onnx') { problems.push(`${group}/${name}: detected as ${detection.label}`); continue; }
      try {
        const model = await readOnnxModel(file);
        validateStatic(model);
        const dataSet = path.join(ROOT, group, name, 'test_data_set_0');
        if (fs.existsSync(dataSet)) {
          const fed = fs.readdirSync(dataSet).filter((f) => f.startsWith('input_')).length;
          if (fed !== model.summary.inputs.length) problems.push(`${group}/${name}: ${model.summary.inputs.length} inputs, test data feeds ${fed}`);
        }
      } catch (error) {
        problems.push(`${group}/${name}: ${(error as Error).message}`);
      }
    }
  }
  console.log(`inspected ${models} backend test models`);
  assert.ok(models > 1000, `found ${models} models`);
  assert.deepEqual(problems, []);
});
