import { toErrorInfo } from '../../shared/errors';
import type { Finding, SmokeRun } from '../../shared/schemas/validation';
import { isFloatType } from './host-tensor';
import type { InferenceService } from './inference-service';
import { round } from './latency-stats';
import { makeSampleInputs } from './sample-inputs';
import { readNumber } from './tensor-codec';

/**
 * The runtime half of validation: does ONNX Runtime create a session for the model, does it run on synthetic
 * inputs (dynamic dimensions 1, valid values), and are the outputs finite? Every failure, including a native crash
 * of the worker, becomes a finding; nothing here throws for a bad model.
 */
export async function runtimeChecks(
  service: InferenceService, modelPath: string, onStep?: (step: string) => void, signal?: AbortSignal,
  options: { smokeRun?: boolean } = {},
): Promise<{ findings: Finding[]; smokeRun: SmokeRun | null }> {
  const findings: Finding[] = [];
  onStep?.('Creating an ONNX Runtime session');
  // Released first so the load time is measured, not a cached session's.
  await service.release(modelPath).catch(() => {});
  let described;
  try {
    described = await service.describe(modelPath, { signal });
  } catch (error) {
    const info = toErrorInfo(error);
    if (info.code === 'cancelled') throw error;
    findings.push(failureFinding(info, 'runtime.session', 'ONNX Runtime cannot load this model', 'The model will not load in production either: ONNX Runtime is what serves it.'));
    return { findings, smokeRun: null };
  }
  const { io } = described;
  const sessionCreateMs = round(described.sessionCreateMs ?? 0);
  findings.push({
    check: 'runtime.session',
    severity: 'info',
    title: `ONNX Runtime loads the model (${sessionCreateMs} ms)`,
    detail: 'A session was created with the bundled ONNX Runtime, the same runtime the served model uses.',
  });

  for (const output of io.outputs.filter((o) => !o.isTensor)) {
    findings.push({
      check: 'runtime.non-tensor-output',
      severity: 'warning',
      title: `Output "${output.name}" is not a tensor`,
      detail: 'It is a sequence or map (such as the ZipMap skl2onnx adds to classifiers); ONNX Runtime for Node and most servers cannot return it, so predictions skip it.',
      hint: 'Remove the ZipMap (options={"zipmap": False} in skl2onnx) so the probabilities come out as a tensor.',
    });
  }
  const nonTensorInputs = io.inputs.filter((i) => !i.isTensor);
  if (nonTensorInputs.length) {
    findings.push({
      check: 'runtime.non-tensor-input',
      severity: 'error',
      title: `Input ${nonTensorInputs.map((i) => `"${i.name}"`).join(', ')} is not a tensor`,
      detail: 'Sequence and map inputs cannot be given to the model from ONNX Runtime for Node or an HTTP server, so no smoke run was possible.',
      hint: 'Export the model with tensor inputs.',
    });
    return { findings, smokeRun: null };
  }
  if (options.smokeRun === false) return { findings, smokeRun: null };

  onStep?.('Smoke run on synthetic inputs');
  let feeds;
  try {
    // Integers are 0: valid as an index into any non-empty axis, unlike arbitrary values.
    feeds = makeSampleInputs(io.inputs, 'sample', 1).map((t) => (isFloatType(t.elementType) || t.elementType === 'bool' || t.elementType === 'string' ? t : makeSampleInputs([io.inputs.find((i) => i.name === t.name)!], 'zeros', 1)[0]));
  } catch (error) {
    findings.push(failureFinding(toErrorInfo(error), 'runtime.smoke-run', 'No smoke run: synthetic inputs cannot be made', 'The inputs could not be generated, so the model was not run.'));
    return { findings, smokeRun: null };
  }
  let result;
  try {
    result = await service.run(modelPath, feeds, { signal });
  } catch (error) {
    const info = toErrorInfo(error);
    if (info.code === 'cancelled') throw error;
    findings.push(failureFinding(info, 'runtime.smoke-run', 'The model fails on synthetic inputs', 'A run with valid inputs of the declared shapes failed; real requests would fail the same way.'));
    return { findings, smokeRun: null };
  }

  const outputs = result.outputs.map((t) => {
    let nanCount = 0;
    let infCount = 0;
    if (isFloatType(t.elementType)) {
      for (let i = 0; i < t.data.length; i++) {
        const v = readNumber(t, i);
        if (Number.isNaN(v)) nanCount++;
        else if (!Number.isFinite(v)) infCount++;
      }
    }
    return { name: t.name, elementType: t.elementType, dims: t.dims, nanCount, infCount };
  });
  for (const o of outputs.filter((o) => o.nanCount || o.infCount)) {
    findings.push({
      check: 'runtime.nan-inf',
      severity: 'warning',
      title: `Output "${o.name}" has ${[o.nanCount && `${o.nanCount} NaN`, o.infCount && `${o.infCount} infinite`].filter(Boolean).join(' and ')} value${o.nanCount + o.infCount > 1 ? 's' : ''} on synthetic inputs`,
      detail: 'Non-finite outputs usually mean a division by zero, a log of zero or an overflow somewhere in the graph; clients receive them as null or fail to parse them.',
      hint: 'Try real inputs in Test; if they also give NaN/Inf, check the export (e.g. missing normalisation constants or float16 overflow).',
    });
  }
  findings.push({
    check: 'runtime.smoke-run',
    severity: 'info',
    title: `Runs on synthetic inputs (${round(result.timingsMs[0] ?? 0)} ms)`,
    detail: 'Inputs of the declared shapes (dynamic dimensions set to 1) ran through the model without error.',
  });
  return { findings, smokeRun: { sessionCreateMs, runMs: round(result.timingsMs[0] ?? 0), outputs } };
}

function failureFinding(info: ReturnType<typeof toErrorInfo>, check: string, title: string, detail: string): Finding {
  const crashed = info.code === 'runtime-crashed';
  return {
    check: crashed ? 'runtime.crash' : check,
    severity: 'error',
    title: crashed ? 'ONNX Runtime crashed on this model' : title,
    detail: `${info.message} ${crashed ? 'ModelDock kept running; the crash happened in its separate runtime process.' : detail}`,
    hint: info.fix,
  };
}
