import { scanModelFile } from '../../model/scan/scan-model';
import type { EngineServices, Handlers } from '../types';

/** The static safety scan: reads the file's bytes, never loads the model. */
export function scanHandlers(_services: EngineServices): Pick<Handlers, 'model.scan'> {
  return {
    async 'model.scan'({ path: modelPath }) {
      return scanModelFile(modelPath);
    },
  };
}
