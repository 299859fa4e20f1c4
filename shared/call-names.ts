/**
 * The contract's call names as plain data. The preload bundles only this file (no schemas), so the bridge it
 * exposes is one function per call and nothing more. contract.ts checks at compile time that the two agree.
 */
export const CALL_NAMES = [
  'app.info',
  'model.open',
  'model.validate',
  'model.fix',
  'model.recent',
  'model.forget',
  'model.scan',
  'inference.sampleInputs',
  'inference.predict',
  'bench.run',
  'spec.forModel',
  'spec.read',
  'spec.write',
  'serve.start',
  'serve.stop',
  'serve.status',
  'serve.logs',
  'serve.metrics',
  'serve.example',
  'serve.try',
  'docker.status',
  'docker.makeBase',
  'image.plan',
  'image.build',
  'image.history',
  'image.remove',
  'image.push',
  'registry.login',
  'registry.logout',
  'registry.list',
  'container.run',
  'container.stop',
  'container.status',
  'container.list',
  'container.logs',
  'container.stats',
  'container.try',
  'container.loadTest',
  'container.cleanup',
  'files.list',
  'dialog.openModel',
  'deploy.manifests',
  'deploy.capacity',
  'deploy.export',
  'deploy.bundle',
  'monitor.profile',
] as const;
export type CallName = (typeof CALL_NAMES)[number];

export function isCallName(value: unknown): value is CallName {
  return typeof value === 'string' && (CALL_NAMES as readonly string[]).includes(value);
}
