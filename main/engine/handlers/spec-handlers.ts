import type { EngineServices, Handlers } from '../types';
import { notYet } from './not-yet';

export function specHandlers(_services: EngineServices): Pick<Handlers, 'spec.forModel' | 'spec.read' | 'spec.write'> {
  return {
    async 'spec.forModel'() { return notYet('spec.forModel'); },
    async 'spec.read'() { return notYet('spec.read'); },
    async 'spec.write'() { return notYet('spec.write'); },
  };
}
