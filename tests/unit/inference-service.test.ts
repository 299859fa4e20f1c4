import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModelDockError } from '../../shared/errors';
import { createEngine, type Engine } from '../../main/engine/engine';
import { InferenceService } from '../../main/inference/inference-service';
import { runtimeChecks } from '../../main/inference/runtime-checks';
import { ensureFixtures, IRIS_LABELS } from '../../tests/fixtures/make-fixtures';

// The worker honours its crash hook only with this set; it inherits the environment when it is forked.
process.env.MODELDOCK_TEST_HOOKS = '1';

let fixtures: string;
let engine: Engine;
let tmp: string;

before(async () => {
  fixtures = await ensureFixtures();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-inference-'));
  engine = createEngine({ shell: 'cli', dataDir: path.join(tmp, 'data') });
});
after(async () => {
  await engine.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const model = (name: string) => path.join(fixtures, name);

async function expectError(promise: Promise<unknown>, check: (e: ModelDockError) => void): Promise<void> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ModelDockError, `expected a ModelDockError, got ${String(error)}`);
    check(error);
    return;
  }
  assert.fail('expected the call to fail');
}

describe('inference.predict', () => {
  test('iris: classification with labels from metadata_props, latency over repeats', async () => {
    const r = await engine.invoke('inference.predict', {
      modelPath: model('iris.onnx'),
      inputs: [{ kind: 'json', text: '{"instances": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}' }],
      repeat: 25,
      topK: 2,
    });
    assert.deepEqual(r.inputs, [{ name: 'input', elementType: 'float32', dims: [2, 4] }]);
    assert.equal(r.outputs[0].name, 'probabilities');
    assert.deepEqual(r.outputs[0].dims, [2, 3]);
    assert.ok(r.classification);
    assert.equal(r.classification.scoreKind, 'probability');
    assert.equal(r.classification.rows[0].top[0].label, 'setosa');
    assert.equal(r.classification.rows[1].top[0].label, 'virginica');
    assert.equal(r.classification.rows[0].top.length, 2);
    assert.equal(r.latency.runs, 25);
    assert.equal(r.latency.samples.length, 24, 'the first run is reported separately');
    assert.ok(r.latency.p50 > 0 && r.latency.min <= r.latency.p50 && r.latency.p50 <= r.latency.p99 && r.latency.p99 <= r.latency.max);
  });

  test('labels from the spec win over metadata', async () => {
    const folder = fs.mkdtempSync(path.join(tmp, 'spec-'));
    fs.copyFileSync(model('iris.onnx'), path.join(folder, 'iris.onnx'));
    fs.writeFileSync(path.join(folder, 'modeldock.yaml'), 'apiVersion: modeldock/v1\nmodel:\n  path: iris.onnx\n  name: iris\nlabels: [small, medium, large]\n');
    const r = await engine.invoke('inference.predict', { modelPath: path.join(folder, 'iris.onnx'), inputs: [{ kind: 'json', text: '[6.7, 3.0, 5.2, 2.3]' }] });
    assert.equal(r.classification?.rows[0].top[0].label, 'large');
    assert.notDeepEqual(IRIS_LABELS, ['small', 'medium', 'large']);
  });

  test('every element type through the worker: int64, string, bool, multi-input, dynamic dims', async () => {
    const ids = await engine.invoke('inference.predict', { modelPath: model('int64-input.onnx'), inputs: [{ kind: 'json', text: '[[1, 2, 3, 4], [0, 0, -4, "9007199254740996"]]' }] });
    assert.equal(ids.outputs[0].elementType, 'int64');
    // (ONNX Runtime's int64 ReduceSum itself rounds sums beyond 2^53, so the big value is chosen to be exact there.)
    assert.deepEqual(ids.outputs[0].data, [10, '9007199254740992'], 'int64 beyond 2^53 travels as an exact string');
    const words = await engine.invoke('inference.predict', { modelPath: model('string-input.onnx'), inputs: [{ kind: 'json', text: '["héllo", "world"]' }] });
    assert.deepEqual(words.outputs[0].data, ['héllo', 'world']);
    const mask = await engine.invoke('inference.predict', { modelPath: model('bool-input.onnx'), inputs: [{ kind: 'json', text: '[[true, false, 1, 0]]' }] });
    assert.deepEqual(mask.outputs[0].data, [false, true, false, true]);
    const multi = await engine.invoke('inference.predict', { modelPath: model('multi-input.onnx'), inputs: [{ kind: 'json', text: '{"features": [[1, 2, 3], [0, 0, 0]], "category": [[1], [2]]}' }] });
    assert.deepEqual(multi.outputs[0].dims, [2, 1]);
    assert.equal(multi.classification, null, 'a single score column is not a classification');
    const dyn = await engine.invoke('inference.predict', { modelPath: model('dynamic-dims.onnx'), inputs: [{ kind: 'json', text: JSON.stringify([[[1, 1, 1, 1, 1, 1, 1, 1], [3, 3, 3, 3, 3, 3, 3, 3]]]) }] });
    assert.deepEqual(dyn.outputs[0].data, [2, 2, 2, 2, 2, 2, 2, 2]);
  });

  test('a wrong shape is refused before ONNX Runtime with a message naming it', async () => {
    await expectError(engine.invoke('inference.predict', { modelPath: model('iris.onnx'), inputs: [{ kind: 'json', text: '[[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]]' }] }), (e) => {
      assert.equal(e.code, 'input-mismatch');
      assert.match(e.message, /^Input "input" expects float32 \[batch, 4\]; got float32 \[2, 5\]/);
    });
    await expectError(engine.invoke('inference.predict', { modelPath: model('fixed-batch.onnx'), inputs: [{ kind: 'json', text: '[[1, 2, 3, 4], [1, 2, 3, 4]]' }] }), (e) => {
      assert.match(e.message, /expects float32 \[1, 4\]; got float32 \[2, 4\] \(dimension 0 must be 1\)/);
    });
  });

  test('a model ONNX Runtime rejects gets a translated message', async () => {
    await expectError(engine.invoke('inference.predict', { modelPath: model('unknown-domain.onnx'), inputs: [] }), (e) => {
      assert.equal(e.code, 'custom-op-missing');
      assert.match(e.message, /custom domain "com\.example\.custom"/);
      assert.ok(e.fix && e.detail, 'fix and the raw text in detail');
    });
    await expectError(engine.invoke('inference.predict', { modelPath: model('opset99.onnx'), inputs: [] }), (e) => assert.equal(e.code, 'unsupported-opset'));
  });

  test('cancelling a long repeat stops between runs without restarting the worker', async () => {
    const service = engine.services.inference;
    const { inputs } = await engine.invoke('inference.sampleInputs', { modelPath: model('cnn.onnx') });
    const restarts = service.restarts;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const result = await engine.call('inference.predict', { modelPath: model('cnn.onnx'), inputs: [{ kind: 'tensor', tensor: inputs[0] }], repeat: 10000 }, { signal: controller.signal });
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.code, 'cancelled');
    assert.equal(service.restarts, restarts, 'the worker stopped the loop itself');
  });

  test('a re-exported model (new mtime and size) is loaded afresh', async () => {
    const copy = path.join(tmp, 'swap.onnx');
    fs.copyFileSync(model('iris.onnx'), copy);
    const first = await engine.invoke('inference.predict', { modelPath: copy, inputs: [{ kind: 'json', text: '[1, 2, 3, 4]' }] });
    assert.equal(first.outputs[0].name, 'probabilities');
    fs.copyFileSync(model('int64-input.onnx'), copy);
    const second = await engine.invoke('inference.predict', { modelPath: copy, inputs: [{ kind: 'json', text: '[1, 2, 3, 4]' }] });
    assert.equal(second.outputs[0].name, 'total');
    assert.deepEqual(second.outputs[0].data, [10]);
  });
});

describe('inference.sampleInputs', () => {
  test('fits every fixture and runs', async () => {
    for (const name of ['iris.onnx', 'cnn.onnx', 'multi-input.onnx', 'int64-input.onnx', 'string-input.onnx', 'bool-input.onnx', 'dynamic-dims.onnx']) {
      for (const fill of ['sample', 'random', 'zeros'] as const) {
        const { inputs } = await engine.invoke('inference.sampleInputs', { modelPath: model(name), fill, dynamicDim: 2 });
        const r = await engine.invoke('inference.predict', { modelPath: model(name), inputs: inputs.map((tensor) => ({ kind: 'tensor' as const, tensor })) });
        assert.ok(r.outputs.length > 0, `${name} ${fill}`);
        if (name === 'dynamic-dims.onnx') assert.deepEqual(inputs[0].dims, [2, 2, 8]);
      }
    }
    const { inputs } = await engine.invoke('inference.sampleInputs', { modelPath: model('iris.onnx') });
    assert.ok(inputs[0].data.every((v) => typeof v === 'number' && v >= 0 && v < 1), 'sample floats in [0, 1)');
  });
});

describe('bench.run', () => {
  test('batch sizes x threads with throttled progress, saved beside the model', async () => {
    const folder = fs.mkdtempSync(path.join(tmp, 'bench-'));
    fs.copyFileSync(model('iris.onnx'), path.join(folder, 'iris.onnx'));
    const events: Array<{ phase: string; done: number; total: number }> = [];
    const r = await engine.invoke('bench.run', { modelPath: path.join(folder, 'iris.onnx'), batchSizes: [1, 16], threads: [1, 2], warmupRuns: 3, runs: 40 }, { onProgress: (p) => events.push(p) });
    assert.equal(r.cancelled, false);
    assert.deepEqual(r.results.map((c) => [c.batchSize, c.threads, c.runs]), [[1, 1, 40], [1, 2, 40], [16, 1, 40], [16, 2, 40]]);
    for (const c of r.results) {
      assert.ok(c.p50 > 0 && c.p50 <= c.p90 && c.p90 <= c.p99 && c.p99 <= c.max);
      assert.ok(Math.abs(c.throughput - c.batchSize / (c.p50 / 1000)) / c.throughput < 0.01);
    }
    assert.equal(r.savedTo, path.join(folder, 'modeldock.bench.json'));
    assert.equal(JSON.parse(fs.readFileSync(r.savedTo!, 'utf8')).results.length, 4);
    assert.ok(events.some((e) => e.phase === 'loading') && events.some((e) => e.phase === 'warmup') && events.some((e) => e.phase === 'measure'));
    assert.equal(events[events.length - 1].done, events[events.length - 1].total);
    assert.ok(events.every((e, i) => i === 0 || e.done >= events[i - 1].done), 'progress only moves forward');
    assert.ok(events.length < 4 * 43, 'progress is throttled, not one event per run');
  });

  test('cancel stops between runs and returns what was measured', async () => {
    const controller = new AbortController();
    let sawMeasure = false;
    const started = Date.now();
    const r = await engine.invoke('bench.run', { modelPath: model('cnn.onnx'), batchSizes: [1, 2], threads: [1], warmupRuns: 1, runs: 100000, save: true }, {
      signal: controller.signal,
      onProgress: (p) => { if (p.phase === 'measure' && !sawMeasure) { sawMeasure = true; setTimeout(() => controller.abort(), 200); } },
    });
    assert.equal(r.cancelled, true);
    assert.equal(r.savedTo, null, 'partial results are not saved as capacity figures');
    assert.equal(r.results.length, 1);
    assert.ok(r.results[0].runs > 0 && r.results[0].runs < 100000);
    assert.ok(Date.now() - started < 20000);
  });

  test('a fixed-batch model ignores other batch sizes with a note', async () => {
    const r = await engine.invoke('bench.run', { modelPath: model('fixed-batch.onnx'), batchSizes: [1, 8, 32], runs: 5, save: false });
    assert.deepEqual(r.results.map((c) => c.batchSize), [1]);
    assert.match(r.notes?.[0] ?? '', /fixed at 1; other batch sizes \(8, 32\) were skipped/);
  });
});

describe('worker crash recovery', () => {
  test('a native abort mid-call rejects pending calls clearly and the next predict works', async () => {
    const service = engine.services.inference;
    const input = [{ kind: 'json' as const, text: '[1, 2, 3, 4]' }];
    await engine.invoke('inference.predict', { modelPath: model('iris.onnx'), inputs: input });
    const pidBefore = service.workerPid;
    // A long call is in flight when the worker dies.
    const pending = engine.invoke('inference.predict', { modelPath: model('cnn.onnx'), inputs: [{ kind: 'tensor', tensor: (await engine.invoke('inference.sampleInputs', { modelPath: model('cnn.onnx') })).inputs[0] }], repeat: 10000 });
    await new Promise((r) => setTimeout(r, 100));
    const crash = service.crashWorkerForTest('abort');
    for (const call of [pending, crash]) {
      await expectError(call, (e) => {
        assert.equal(e.code, 'runtime-crashed');
        assert.match(e.message, /^ONNX Runtime crashed while (running|working on) this model; the app is fine\.$/);
        assert.match(e.detail ?? '', /SIGABRT/);
      });
    }
    const after = await engine.invoke('inference.predict', { modelPath: model('iris.onnx'), inputs: input });
    assert.equal(after.outputs[0].dims[1], 3);
    assert.notEqual(service.workerPid, pidBefore, 'a fresh worker');
  });

  test('a worker killed from outside (OOM killer) is replaced too', async () => {
    const service = engine.services.inference;
    await engine.invoke('inference.sampleInputs', { modelPath: model('iris.onnx') });
    const pending = engine.invoke('bench.run', { modelPath: model('cnn.onnx'), runs: 100000, save: false });
    await new Promise((r) => setTimeout(r, 300));
    process.kill(service.workerPid!, 'SIGKILL');
    await expectError(pending, (e) => assert.match(e.message, /ONNX Runtime crashed while (benchmarking|loading) this model; the app is fine/));
    const r = await engine.invoke('inference.predict', { modelPath: model('iris.onnx'), inputs: [{ kind: 'json', text: '[1, 2, 3, 4]' }] });
    assert.equal(r.outputs.length, 1);
  });

  test('without MODELDOCK_TEST_HOOKS the crash hook is refused', async () => {
    delete process.env.MODELDOCK_TEST_HOOKS;
    const plain = new InferenceService();
    try {
      await plain.describe(model('iris.onnx'));
      await expectError(plain.crashWorkerForTest('abort'), (e) => assert.match(e.message, /Test hooks are disabled/));
      assert.equal((await plain.describe(model('iris.onnx'))).io.inputs[0].name, 'input', 'the worker is still alive');
      assert.equal(plain.restarts, 0);
    } finally {
      process.env.MODELDOCK_TEST_HOOKS = '1';
      await plain.dispose();
    }
  });
});

describe('runtime checks', () => {
  test('good model: session time and a smoke run', async () => {
    const r = await runtimeChecks(engine.services.inference, model('cnn.onnx'));
    assert.ok(r.smokeRun);
    assert.ok(r.smokeRun.sessionCreateMs > 0, 'load time measured on a fresh session');
    assert.deepEqual(r.smokeRun.outputs.map((o) => [o.name, o.dims, o.nanCount, o.infCount]), [['scores', [1, 10], 0, 0]]);
    assert.ok(r.findings.every((f) => f.severity === 'info'));
  });

  test('rejected models and non-tensor outputs become findings, never throws', async () => {
    const steps: string[] = [];
    const bad = await runtimeChecks(engine.services.inference, model('unknown-domain.onnx'), (s) => steps.push(s));
    assert.equal(bad.smokeRun, null);
    assert.equal(bad.findings[0].severity, 'error');
    assert.match(bad.findings[0].detail, /com\.example\.custom/);
    assert.deepEqual(steps, ['Creating an ONNX Runtime session']);
    const zip = await runtimeChecks(engine.services.inference, model('zipmap.onnx'));
    assert.ok(zip.findings.some((f) => f.check === 'runtime.non-tensor-output' && f.title.includes('output_probability')));
    assert.ok(zip.smokeRun, 'the tensor outputs still run');
    for (const name of ['empty.onnx', 'truncated.onnx', 'random.onnx', 'text.onnx', 'dangling-input.onnx', 'opset99.onnx', 'external-missing.onnx']) {
      const r = await runtimeChecks(engine.services.inference, model(name));
      assert.equal(r.findings[0].severity, 'error', name);
      assert.ok(!/undefined/.test(r.findings[0].detail), `${name}: ${r.findings[0].detail}`);
    }
  });
});
