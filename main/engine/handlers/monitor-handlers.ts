import { captureProfile } from '../../monitoring/capture-profile';
import type { EngineServices, Handlers } from '../types';

/** Model monitoring: the reference profile that drift scores in the served model compare against. */
export function monitorHandlers(services: EngineServices): Pick<Handlers, 'monitor.profile'> {
  return {
    async 'monitor.profile'(request, { signal }) {
      return captureProfile(services.inference, request, signal);
    },
  };
}
