import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runChecks } from '../../main/kubernetes/best-practice-checks';
import { exportManifests } from '../../main/kubernetes/export-manifests';
import type { K8sObject } from '../../main/kubernetes/k8s-object';
import { validateAgainstApiSchema } from '../../main/kubernetes/schema-validate';
import { parseYamlObjects } from '../../main/kubernetes/yaml-emit';
import { DeployManifestsRequestSchema } from '../../shared/schemas/kubernetes';
import { plainObjects, requestFor, variants } from './kubernetes-support';

/** Debian's kubectl (with its built-in kustomize) renders every overlay; the output must pass the same checks. */
const KUBECTL = '/usr/bin/kubectl';
const CONTEXT = { coldStartSeconds: 1.5, measuredPeakMemoryBytes: null };
type Obj = Record<string, any>;

function kustomize(dir: string): K8sObject[] {
  const out = execFileSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseYamlObjects(out, dir);
}

const key = (o: K8sObject) => `${o.kind}/${o.metadata?.name}`;

describe('kustomize: every overlay renders and passes validation', { skip: !fs.existsSync(KUBECTL) && 'kubectl not installed' }, () => {
  let root: string;
  before(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-kustomize-')); });
  after(() => { fs.rmSync(root, { recursive: true, force: true }); });

  variants().forEach((v, index) => {
    it(v.label, () => {
      const outDir = path.join(root, String(index));
      const result = exportManifests(DeployManifestsRequestSchema.parse(requestFor(v.settings)), { outDir, allowFailedChecks: false });
      const plain = plainObjects(result);
      assert.ok(result.written.every((f) => f.startsWith(outDir)));
      assert.ok(fs.existsSync(path.join(outDir, 'k8s', 'ROLLOUT.md')));

      const base = kustomize(path.join(outDir, 'k8s', 'kustomize', 'base'));
      assert.deepEqual(base.map(key).sort(), plain.map(key).sort(), 'the base holds exactly the plain objects');

      for (const overlay of ['dev', 'prod']) {
        const rendered = kustomize(path.join(outDir, 'k8s', 'kustomize', 'overlays', overlay));
        assert.deepEqual(rendered.map(key).sort(), plain.map(key).sort(), `${overlay}: same objects`);
        for (const o of rendered) {
          assert.deepEqual(validateAgainstApiSchema(o), [], `${overlay} ${key(o)}`);
          assert.equal(o.metadata?.namespace, overlay === 'dev' ? 'modeldock-dev' : 'modeldock');
          assert.equal(o.metadata?.labels?.['modeldock.dev/environment'], overlay);
        }
        const checks = runChecks(rendered, CONTEXT);
        const failedRequired = checks.filter((c) => !c.passed && c.severity === 'required');
        assert.deepEqual(failedRequired.map((c) => `${c.id} ${c.object}: ${c.reason}`), [], overlay);

        // Overlay labels never reach selectors (a Deployment's selector cannot change later).
        for (const d of rendered.filter((o) => o.kind === 'Deployment') as Obj[]) {
          assert.equal(d.spec.selector.matchLabels['modeldock.dev/environment'], undefined);
          assert.equal(d.spec.template.metadata.labels['modeldock.dev/environment'], overlay);
        }
        if (overlay === 'dev') {
          for (const h of rendered.filter((o) => o.kind === 'HorizontalPodAutoscaler') as Obj[]) {
            assert.equal(h.spec.minReplicas, 1);
            assert.equal(h.spec.maxReplicas, 2);
          }
          for (const d of rendered.filter((o) => o.kind === 'Deployment') as Obj[]) {
            if (d.spec.replicas !== undefined) assert.equal(d.spec.replicas, 1, `${d.metadata.name} has one pod in dev`);
          }
        } else {
          const plainHpas = plain.filter((o) => o.kind === 'HorizontalPodAutoscaler') as Obj[];
          for (const h of rendered.filter((o) => o.kind === 'HorizontalPodAutoscaler') as Obj[]) {
            assert.equal(h.spec.minReplicas, plainHpas.find((p) => p.metadata.name === h.metadata.name)?.spec.minReplicas);
          }
        }
      }
    });
  });
});
