import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import { KubernetesSettingsSchema } from '../../shared/schemas/kubernetes-settings';
import type { MonitorExportResult } from '../../shared/schemas/monitor-live';
import { resolveRuntimeConfigDetailed } from '../serving/resolve-runtime-config';
import { readSpec, specPathForModel } from '../spec/spec-file';
import { appliedThresholds } from './live-alerts';
import { monitoringFiles } from './monitoring-exports';

/**
 * 'monitor.exportRules' and `modeldock monitor rules`: the Grafana dashboard, Prometheus config and alert rules
 * for a model, written into a folder (created when missing; files of the same names are replaced).
 */
export async function exportMonitoring(request: { modelPath: string; specPath?: string; outDir: string }): Promise<MonitorExportResult> {
  const { config, specPath } = await resolveRuntimeConfigDetailed(request.modelPath, request.specPath);
  const spec = specPath ? readSpec(specPath).spec : readSpec(specPathForModel(request.modelPath)).spec;
  const kubernetes = KubernetesSettingsSchema.parse(spec?.kubernetes ?? {});
  const files = monitoringFiles({
    modelName: config.model.name,
    modelVersion: config.model.version,
    monitoring: spec?.monitoring,
    maxQueue: config.serving.maxQueue,
    namespace: kubernetes.namespace,
    localTarget: `127.0.0.1:${config.serving.port}`,
  });
  const outDir = path.resolve(request.outDir);
  try {
    fs.mkdirSync(outDir, { recursive: true });
    for (const file of files) fs.writeFileSync(path.join(outDir, file.name), file.content);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelDockError({
      code: 'monitor-export-failed',
      title: 'Cannot write the monitoring files',
      message: code === 'EEXIST' || code === 'ENOTDIR'
        ? `${outDir} is a file, not a folder.`
        : `Writing into ${outDir} failed (${code ?? 'error'}).`,
      fix: 'Choose a folder you can write to.',
    });
  }
  return {
    outDir,
    files: files.map((f) => ({ path: path.join(outDir, f.name), bytes: Buffer.byteLength(f.content), content: f.content })),
    thresholds: appliedThresholds(undefined, spec?.monitoring, null),
  };
}
