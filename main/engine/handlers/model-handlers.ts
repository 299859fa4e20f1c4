import type { EngineServices, Handlers } from '../types';
import { notYet } from './not-yet';

export function modelHandlers(_services: EngineServices): Pick<Handlers, 'model.open' | 'model.validate' | 'model.fix' | 'model.recent' | 'model.forget'> {
  return {
    async 'model.open'() { return notYet('model.open'); },
    async 'model.validate'() { return notYet('model.validate'); },
    async 'model.fix'() { return notYet('model.fix'); },
    async 'model.recent'() { return notYet('model.recent'); },
    async 'model.forget'() { return notYet('model.forget'); },
  };
}
