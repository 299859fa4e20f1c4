import * as path from 'node:path';
import { cancelledError, ModelDockError } from '../../../shared/errors';
import type { Finding, SmokeRun } from '../../../shared/schemas/validation';
import { runtimeChecks } from '../../inference/runtime-checks';
import { openModel, openModelDetailed } from '../../model/open-model';
import { blocksRuntimeChecks, validateStatic } from '../../model/validate-static';
import { removeZipMap } from '../../model/zipmap-fix';
import { loadSpecForModel, resolveLabels } from '../../spec/spec-file';
import type { EngineServices, Handlers } from '../types';

type ModelCalls = 'model.open' | 'model.validate' | 'model.fix' | 'model.recent' | 'model.forget';

/** Runtime findings that repeat what the static checks already said about non-tensor inputs/outputs. */
const STATIC_COVERS: Record<string, RegExp> = {
  'runtime.non-tensor-output': /^io\.(zipmap-output|non-tensor-output)$/,
  'runtime.non-tensor-input': /^io\.non-tensor-input$/,
};

export function modelHandlers(services: EngineServices): Pick<Handlers, ModelCalls> {
  return {
    async 'model.open'({ path: modelPath }, { onProgress }) {
      const report = await openModel(modelPath, onProgress);
      services.recent.add(report.path, report.format);
      return report;
    },

    async 'model.validate'({ path: modelPath, smokeRun }, { onProgress, signal }) {
      const total = smokeRun ? 4 : 3;
      let index = 0;
      const step = (name: string) => {
        if (signal.aborted) throw cancelledError();
        onProgress({ step: name, index: Math.min(index++, total - 1), total });
      };

      step('Reading the model');
      const { report, model } = await openModelDetailed(modelPath);
      if (!model) {
        throw new ModelDockError({
          code: 'validate-needs-onnx',
          title: 'Validation needs an ONNX model',
          message: `${report.fileName} is a ${report.formatLabel}; ModelDock validates and serves ONNX models.`,
          fix: report.conversion?.summary ?? 'Convert the model to ONNX first.',
        });
      }

      step('Checking structure, operators and inputs');
      const findings: Finding[] = validateStatic(model, { specHasLabels: specHasLabels(report.path) });
      let smoke: SmokeRun | null = null;
      if (blocksRuntimeChecks(findings)) {
        findings.push({
          check: 'runtime.skipped',
          severity: 'info',
          title: 'ONNX Runtime checks skipped',
          detail: 'The errors above stop ONNX Runtime from loading this model (or make loading it unsafe), so no session was created and no smoke run was made.',
          hint: 'Fix the errors, then validate again.',
        });
      } else {
        const runtime = await runtimeChecks(services.inference, report.path, (name) => step(name), signal, { smokeRun });
        const staticChecks = findings.map((f) => f.check);
        for (const finding of runtime.findings) {
          const covered = STATIC_COVERS[finding.check];
          if (covered && staticChecks.some((c) => covered.test(c))) continue;
          findings.push(finding);
        }
        smoke = runtime.smokeRun;
      }
      if (signal.aborted) throw cancelledError();

      const rank = { error: 0, warning: 1, info: 2 };
      findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
      return {
        path: report.path,
        ok: !findings.some((f) => f.severity === 'error'),
        findings,
        smokeRun: smoke,
        checkedAt: new Date().toISOString(),
      };
    },

    async 'model.fix'({ path: modelPath, fix, outPath }) {
      switch (fix) {
        case 'remove-zipmap': {
          const written = await removeZipMap(modelPath, outPath);
          const report = await openModel(written);
          services.recent.add(report.path, report.format);
          return { path: written, report };
        }
        default:
          throw new ModelDockError({ code: 'unknown-fix', title: 'Unknown fix', message: `ModelDock has no fix called "${String(fix)}".` });
      }
    },

    async 'model.recent'() {
      return { items: services.recent.list() };
    },

    async 'model.forget'({ path: modelPath }) {
      return { items: services.recent.remove(path.resolve(modelPath)) };
    },
  };
}

/** Whether the spec beside the model names the classes (a broken spec or labels file just means "no"). */
function specHasLabels(modelPath: string): boolean {
  try {
    const { spec, specPath } = loadSpecForModel(modelPath);
    return !!spec && (resolveLabels(spec, specPath)?.length ?? 0) > 0;
  } catch {
    return false;
  }
}
