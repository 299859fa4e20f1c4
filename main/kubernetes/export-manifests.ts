import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type { DeployExportResult, DeployManifestsRequest, GeneratedFile } from '../../shared/schemas/kubernetes';
import { generateManifests } from './generate-manifests';

export interface ExportOptions {
  outDir: string;
  allowFailedChecks: boolean;
}

/**
 * Writes the generated files under outDir. Refuses (writing nothing) when a required check failed, unless
 * allowed. The k8s/ folder is replaced as a whole, so objects dropped from the settings do not linger as files
 * someone might apply.
 */
export function exportManifests(request: DeployManifestsRequest, options: ExportOptions): DeployExportResult {
  const generated = generateManifests(request);
  const outDir = path.resolve(options.outDir);
  const failed = generated.checks.filter((c) => !c.passed && c.severity === 'required');
  if (failed.length > 0 && !options.allowFailedChecks) {
    throw new ModelDockError({
      code: 'checks-failed',
      title: 'The manifests fail required checks',
      message: `Nothing was written to ${outDir}: ${failed.length} required check${failed.length === 1 ? '' : 's'} failed: ${failed.slice(0, 5).map((c) => `${c.title} (${c.object ?? 'all'}): ${c.reason}`).join(' ')}`,
      fix: 'Change the kubernetes settings as each check says, or export anyway with --allow-failed-checks.',
    });
  }
  const written = writeFiles(outDir, generated.files);
  return { ...generated, outDir, written };
}

function writeFiles(outDir: string, files: GeneratedFile[]): string[] {
  const targets = files.map((f) => {
    const target = path.resolve(outDir, f.path);
    if (!target.startsWith(outDir + path.sep)) {
      throw new ModelDockError({ code: 'bad-export-path', title: 'Invalid file path', message: `${f.path} would be written outside ${outDir}.`, fix: 'This is a bug in the generator; please report it.' });
    }
    return target;
  });
  try {
    fs.mkdirSync(outDir, { recursive: true });
    fs.rmSync(path.join(outDir, 'k8s'), { recursive: true, force: true });
    files.forEach((f, i) => {
      fs.mkdirSync(path.dirname(targets[i]), { recursive: true });
      fs.writeFileSync(targets[i], f.content);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ModelDockError({
      code: 'export-write-failed',
      title: 'Cannot write the manifests',
      message: `Writing into ${outDir} failed (${code}).`,
      fix: code === 'EACCES' || code === 'EPERM' ? 'Choose a folder you may write to.' : code === 'ENOSPC' ? 'Free some disk space and export again.' : 'Check the folder and export again.',
      detail: error instanceof Error ? error.message : String(error),
    });
  }
  return targets;
}
