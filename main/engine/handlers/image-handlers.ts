import type { EngineServices, Handlers } from '../types';
import { notYet } from './not-yet';

/** STUB (the image helper replaces this file). */
export function imageHandlers(_services: EngineServices): Pick<Handlers, 'image.plan' | 'image.build' | 'image.history' | 'image.remove'> {
  return {
    async 'image.plan'() { return notYet('image.plan'); },
    async 'image.build'() { return notYet('image.build'); },
    async 'image.history'() { return notYet('image.history'); },
    async 'image.remove'() { return notYet('image.remove'); },
  };
}
