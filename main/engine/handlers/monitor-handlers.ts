import { captureProfile } from '../../monitoring/capture-profile';
import { exportMonitoring } from '../../monitoring/export-monitoring';
import { MonitorSnapshots } from '../../monitoring/monitor-snapshots';
import type { EngineServices, Handlers } from '../types';

/**
 * Model monitoring: the reference profile that drift scores in the served model compare against, live snapshots
 * of a running server's metrics (history kept per target for this engine's life), and the monitoring export.
 */
export function monitorHandlers(services: EngineServices): Pick<Handlers, 'monitor.profile' | 'monitor.snapshot' | 'monitor.exportRules'> {
  const snapshots = new MonitorSnapshots({ servers: services.servers, containers: services.containers });
  return {
    async 'monitor.profile'(request, { signal }) {
      return captureProfile(services.inference, request, signal);
    },
    async 'monitor.snapshot'(request, { signal }) {
      return snapshots.snapshot(request.target, request.thresholds, signal);
    },
    async 'monitor.exportRules'(request) {
      return exportMonitoring(request);
    },
  };
}
