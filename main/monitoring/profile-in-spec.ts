import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { ModelDockError } from '../../shared/errors';
import { readSpec, writeSpec } from '../spec/spec-file';

/**
 * Points the spec's monitoring.profile at a captured profile (relative to the spec, comments kept), so the next
 * image build bakes it in even when it does not sit at the default <model>.profile.json. A model without a spec
 * keeps none: the default location is picked up anyway.
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
  const yaml = parseDocument(doc.text);
  yaml.setIn(['monitoring', 'profile'], relative);
  const written = writeSpec(doc.specPath, yaml.toString({ lineWidth: 0 }));
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
