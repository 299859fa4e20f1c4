import type { EngineServices, Handlers } from '../types';
import { notYet } from './not-yet';

/** STUB (the run/push helper replaces this file). */
export function registryHandlers(_services: EngineServices): Pick<Handlers, 'image.push' | 'registry.login' | 'registry.logout' | 'registry.list'> {
  return {
    async 'image.push'() { return notYet('image.push'); },
    async 'registry.login'() { return notYet('registry.login'); },
    async 'registry.logout'() { return notYet('registry.logout'); },
    async 'registry.list'() { return notYet('registry.list'); },
  };
}
