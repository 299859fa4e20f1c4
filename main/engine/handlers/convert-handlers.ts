import { discoverPythons } from '../../convert/python-discovery';
import { planConversion } from '../../convert/convert-plan';
import { runConversion } from '../../convert/convert-run';
import type { EngineServices, Handlers } from '../types';

/** Conversion to ONNX: the recipe and interpreters (plan), and running it in a child Python process (run). */
export function convertHandlers(services: EngineServices): Pick<Handlers, 'convert.plan' | 'convert.pythons' | 'convert.run'> {
  return {
    async 'convert.plan'(request, { signal }) {
      return planConversion(request, signal);
    },
    async 'convert.pythons'({ near, refresh }) {
      return { interpreters: await discoverPythons({ near, refresh }) };
    },
    async 'convert.run'(request, { onProgress, signal }) {
      const result = await runConversion(request, { inference: services.inference, onProgress, signal });
      services.recent.add(result.report.path, result.report.format);
      return result;
    },
  };
}
