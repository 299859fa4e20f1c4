import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import { MonitoringProfileSchema, type MonitoringProfile } from '../../shared/schemas/monitoring';

/** Where a model's reference profile lives by default: <folder>/<stem>.profile.json beside <folder>/<stem>.onnx. */
export function defaultProfilePath(modelPath: string): string {
  const absolute = path.resolve(modelPath);
  return path.join(path.dirname(absolute), `${path.basename(absolute).replace(/\.[^.]+$/, '')}.profile.json`);
}

/** Reads and validates a profile file; every problem is a ModelDockError naming the file. */
export function readProfileFile(file: string): MonitoringProfile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelDockError({
      code: 'profile-missing',
      title: 'Reference profile not found',
      message: code === 'ENOENT' ? `The monitoring profile ${file} does not exist.` : `The monitoring profile ${file} cannot be read (${code ?? 'error'}).`,
      fix: 'Capture the profile again (Monitor: "Capture reference profile", or the monitor.profile call), or fix monitoring.profile in the spec.',
    });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw profileInvalid(file, `it is not valid JSON (${(error as Error).message})`);
  }
  const parsed = MonitoringProfileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw profileInvalid(file, `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data;
}

function profileInvalid(file: string, why: string): ModelDockError {
  return new ModelDockError({
    code: 'profile-invalid',
    title: 'The reference profile is not valid',
    message: `${path.basename(file)}: ${why}.`,
    fix: 'Capture the profile again from your sample data; do not edit it by hand.',
  });
}
