import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import { readSpec, writeSpec } from '../spec/spec-file';
import { sectionValue, updateSpecSection } from '../spec/spec-section-update';

/**
 * Points the spec's monitoring.profile at a captured profile (relative to the spec), so the next image build bakes
 * it in even when it does not sit at the default <model>.profile.json. Only that key is written: the rest of the
 * file, comments and formatting included, stays as the user wrote it. A model without a spec keeps none: the
 * default location is picked up anyway.
 */
export function recordProfileInSpec(specPath: string, profilePath: string): { updated: boolean; specExists: boolean; specPath: string; relative: string } {
  const doc = readSpec(specPath);
  const relative = path.relative(path.dirname(doc.specPath), path.resolve(profilePath)).split(path.sep).join('/');
  if (!doc.exists) return { updated: false, specExists: false, specPath: doc.specPath, relative };
  if (!doc.spec) {
    throw new ModelDockError({
      code: 'spec-invalid',
      title: 'The spec has problems',
      message: `${path.basename(doc.specPath)} cannot be updated: ${doc.issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ')}.`,
      fix: 'Fix the spec (modeldock spec check), then capture the profile again.',
    });
  }
  if (doc.spec.monitoring?.profile === relative) return { updated: false, specExists: true, specPath: doc.specPath, relative };
  // Only monitoring.profile changes: the section's other keys are kept as written (no defaults filled in).
  const written = writeSpec(doc.specPath, updateSpecSection(doc.text, 'monitoring', { ...asMap(sectionValue(doc.text, 'monitoring')), profile: relative }));
  if (!written.spec) {
    throw new ModelDockError({
      code: 'spec-invalid',
      title: 'The spec could not be updated',
      message: `Setting monitoring.profile gave: ${written.issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ')}.`,
      fix: `Add "monitoring:\\n  profile: ${relative}" to ${path.basename(doc.specPath)} by hand.`,
    });
  }
  return { updated: true, specExists: true, specPath: doc.specPath, relative };
}

function asMap(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {};
}
