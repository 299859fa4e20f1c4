import { ModelDockError } from '../../../shared/errors';

export function notYet(what: string): never {
  throw new ModelDockError({ code: 'not-implemented', title: 'Not available yet', message: `${what} is not implemented yet.` });
}
