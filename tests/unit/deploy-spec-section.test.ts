// The Deploy screen saves its settings with spec.writeSection, which merges them into the kubernetes: section of
// modeldock.yaml (main/spec/spec-section-update.ts). These tests read the result back with the engine's own parser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubernetesSettingsSchema } from '../../shared/schemas/kubernetes-settings';
import { validateSpecText } from '../../main/spec/spec-validate';
import { starterSpecText } from '../../main/spec/spec-starter';
import { updateSpecSection } from '../../main/spec/spec-section-update';

const SPEC = [
  '# My iris spec: keep this comment',
  'apiVersion: modeldock/v1',
  'model:',
  '  path: iris.onnx   # relative to this file',
  '  name: iris',
  '  version: "3"',
  'kubernetes:',
  '  # a comment inside the section',
  '  replicas: 4   # fixed while autoscaling is off',
  '',
  '# about the labels',
  'labels: [setosa, versicolor, virginica]',
  '',
].join('\n');

function specOf(text: string) {
  const { spec, issues } = validateSpecText(text);
  assert.deepEqual(issues, [], text);
  assert.ok(spec);
  return spec;
}

describe('kubernetes section update', () => {
  it('merges the settings: other keys, comments inside and outside the section, and order stay as written', () => {
    const next = KubernetesSettingsSchema.parse({
      replicas: 3,
      ingress: { host: 'iris.example.com', annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } },
      networkPolicy: { allowNamespaces: ['ingress-nginx', 'monitoring'] },
      serviceMonitor: { labels: { release: 'prometheus' } },
      rollout: { strategy: 'canary', rolling: { maxSurge: '25%', maxUnavailable: 0 }, canary: { stableImage: 'reg.example.com:5000/team/iris:2@sha256:' + 'a'.repeat(64) } },
    });
    const text = updateSpecSection(SPEC, 'kubernetes', next);
    assert.ok(text.startsWith('# My iris spec: keep this comment\napiVersion: modeldock/v1\nmodel:\n  path: iris.onnx   # relative to this file\n  name: iris\n  version: "3"\nkubernetes:\n'));
    assert.ok(text.includes('\n  # a comment inside the section\n  replicas: 3   # fixed while autoscaling is off\n'), text);
    assert.ok(text.endsWith('\n\n# about the labels\nlabels: [setosa, versicolor, virginica]\n'), text);
    const spec = specOf(text);
    assert.deepEqual(spec.kubernetes, next);
    assert.equal(spec.model.version, '3');
    assert.deepEqual(spec.labels, ['setosa', 'versicolor', 'virginica']);
  });

  it('appends the section, with a comment, when the file has none; a second update edits it', () => {
    const starter = starterSpecText('/tmp/models/iris.onnx');
    assert.ok(!/^kubernetes:/m.test(starter));
    const defaults = KubernetesSettingsSchema.parse({});
    const once = updateSpecSection(starter, 'kubernetes', defaults, 'written by the Deploy step');
    assert.ok(once.startsWith(starter), 'the starter is kept as it was');
    assert.match(once, /\n\n# written by the Deploy step\nkubernetes:\n {2}namespace: modeldock\n/);
    assert.deepEqual(specOf(once).kubernetes, defaults);
    const changed = { ...defaults, namespace: 'ml-prod', autoscaling: { ...defaults.autoscaling, maxReplicas: 9 } };
    const twice = updateSpecSection(once, 'kubernetes', changed, 'written by the Deploy step');
    assert.equal(twice, once.replace('namespace: modeldock', 'namespace: ml-prod').replace('maxReplicas: 5', 'maxReplicas: 9'));
    assert.deepEqual(specOf(twice).kubernetes, changed);
  });

  it('strings YAML would read as something else come back as the same strings', () => {
    const strings = ['true', 'No', 'null', '1', '0x1f', '25%', 'a: b', '- x', '#x', 'iris.example.com ', "it's", ''];
    const annotations = Object.fromEntries(strings.map((s, i) => [`k${i}`, s]));
    const text = updateSpecSection(SPEC, 'kubernetes', { ingress: { host: 'iris.example.com', annotations } });
    assert.deepEqual(specOf(text).kubernetes?.ingress?.annotations, annotations);
  });
});
