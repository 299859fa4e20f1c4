import type { EngineServices, Handlers } from '../types';
import { notYet } from './not-yet';

type ContainerCalls = 'container.run' | 'container.stop' | 'container.status' | 'container.list' | 'container.logs'
  | 'container.stats' | 'container.try' | 'container.loadTest' | 'container.cleanup';

/** STUB (the run/push helper replaces this file). */
export function containerHandlers(_services: EngineServices): Pick<Handlers, ContainerCalls> {
  return {
    async 'container.run'() { return notYet('container.run'); },
    async 'container.stop'() { return notYet('container.stop'); },
    async 'container.status'() { return notYet('container.status'); },
    async 'container.list'() { return notYet('container.list'); },
    async 'container.logs'() { return notYet('container.logs'); },
    async 'container.stats'() { return notYet('container.stats'); },
    async 'container.try'() { return notYet('container.try'); },
    async 'container.loadTest'() { return notYet('container.loadTest'); },
    async 'container.cleanup'() { return notYet('container.cleanup'); },
  };
}
