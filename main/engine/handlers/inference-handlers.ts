import { cancelledError } from '../../../shared/errors';
import { runBenchmark } from '../../inference/bench-runner';
import { classify } from '../../inference/classification';
import { latencyStats } from '../../inference/latency-stats';
import { predictionContext } from '../../inference/model-labels-for';
import { resolveInputs, type InputReport } from '../../inference/resolve-inputs';
import { makeSampleInputs } from '../../inference/sample-inputs';
import { hostToWire } from '../../inference/tensor-codec';
import type { EngineServices, Handlers } from '../types';

export function inferenceHandlers(services: EngineServices): Pick<Handlers, 'inference.sampleInputs' | 'inference.predict' | 'bench.run'> {
  const inference = services.inference;
  return {
    async 'inference.sampleInputs'(request, { signal }) {
      const { io } = await inference.describe(request.modelPath, { signal });
      return { inputs: makeSampleInputs(io.inputs, request.fill, request.dynamicDim).map(hostToWire) };
    },

    async 'inference.predict'(request, { signal, onProgress }) {
      const total = 3;
      onProgress({ step: 'Loading the model', index: 0, total });
      const { io } = await inference.describe(request.modelPath, { signal });
      onProgress({ step: 'Preparing inputs', index: 1, total });
      const context = await predictionContext(request.modelPath, request.specPath);
      const report: InputReport = { notes: [], previews: [] };
      const feeds = resolveInputs(request.inputs, io.inputs, context.spec, report);
      onProgress({ step: request.repeat > 1 ? `Running ${request.repeat} times` : 'Running', index: 2, total });
      const result = await inference.run(request.modelPath, feeds, { repeat: request.repeat, signal });
      if (result.cancelled) throw cancelledError();
      return {
        inputs: feeds.map((t) => ({ name: t.name, elementType: t.elementType, dims: t.dims })),
        outputs: result.outputs.map(hostToWire),
        classification: classify(result.outputs, context.labels, request.topK),
        latency: latencyStats(result.timingsMs),
        ...report,
      };
    },

    async 'bench.run'(request, { signal, onProgress }) {
      return runBenchmark(inference, request, onProgress, signal);
    },
  };
}
