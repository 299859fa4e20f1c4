/**
 * Where things sit in a bundle. The bundle root is also the Docker build context (Dockerfile, onnxruntime/,
 * runtime/, model/, config/ as build-plan.ts lays them out), so the model is stored once and `docker build .`
 * works in the folder; .dockerignore keeps the other files out of Docker's context.
 */
export const BUNDLE_PATHS = {
  dockerfile: 'Dockerfile',
  dockerignore: '.dockerignore',
  spec: 'modeldock.yaml',
  compose: 'docker-compose.yml',
  readme: 'README.md',
  openapi: 'openapi.json',
  grafana: 'monitoring/grafana-dashboard.json',
  prometheus: 'monitoring/prometheus.yml',
  /** Converted models only: the original's safety scan and the whole conversion record (bundle-provenance.ts). */
  provenanceScan: 'provenance/scan-report.json',
  provenanceRecord: 'provenance/provenance.json',
  alertRules: 'monitoring/alert-rules.yml',
} as const;

/** Everything but the build context stays out of `docker build .` (and out of docker compose's build). */
export function dockerignoreText(contextTopLevel: string[]): string {
  return [
    '# Only the build context (what the Dockerfile copies) goes to Docker; the rest of the bundle stays out.',
    '*',
    ...contextTopLevel.map((name) => `!${name}`),
    '',
  ].join('\n');
}
