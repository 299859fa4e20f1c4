import type { EngineServices, Handlers } from '../types';
import { notYet } from './not-yet';

export function inferenceHandlers(_services: EngineServices): Pick<Handlers, 'inference.sampleInputs' | 'inference.predict' | 'bench.run'> {
  return {
    async 'inference.sampleInputs'() { return notYet('inference.sampleInputs'); },
    async 'inference.predict'() { return notYet('inference.predict'); },
    async 'bench.run'() { return notYet('bench.run'); },
  };
}
