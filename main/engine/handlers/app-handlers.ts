import * as os from 'node:os';
import { ModelDockError } from '../../../shared/errors';
import { APP_VERSION, ORT_VERSION } from '../versions';
import type { EngineServices, Handlers } from '../types';

export function appHandlers(services: EngineServices): Pick<Handlers, 'app.info' | 'dialog.openModel'> {
  return {
    async 'app.info'() {
      return {
        version: APP_VERSION,
        ortVersion: ORT_VERSION,
        platform: process.platform,
        arch: process.arch,
        cpus: os.availableParallelism(),
        shell: services.shell,
        dataDir: services.dataDir,
        homeDir: os.homedir(),
      };
    },
    async 'dialog.openModel'() {
      if (!services.openModelDialog) {
        throw new ModelDockError({
          code: 'unsupported-here',
          title: 'No native file dialog here',
          message: 'The native open dialog exists only in the desktop app.',
          fix: 'Use the file browser or type the model\'s path.',
        });
      }
      return { path: await services.openModelDialog() };
    },
  };
}
