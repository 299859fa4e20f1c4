// The Deploy screen saves its settings by replacing the kubernetes: section of modeldock.yaml as text
// (renderer/screens/deploy/spec-section.ts). These tests read the result back with the engine's own spec parser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubernetesSettingsSchema } from '../../shared/schemas/kubernetes-settings';
import { validateSpecText } from '../../main/spec/spec-validate';
import { starterSpecText } from '../../main/spec/spec-starter';
import { replaceSection, yamlScalar, type PlainData } from '../../renderer/screens/deploy/spec-section';

const SPEC = [
  '# My iris spec: keep this comment',
  'apiVersion: modeldock/v1',
  'model:',
  '  path: iris.onnx   # relative to this file',
  '  name: iris',
  '  version: "3"',
  'kubernetes:',
  '  # old comment inside the section',
  '  replicas: 4',
  '',
  '# about the labels',
  'labels: [setosa, versicolor, virginica]',
  '',
].join('\n');

function settingsOf(text: string) {
  const { spec, issues } = validateSpecText(text);
  assert.deepEqual(issues, [], text);
  assert.ok(spec);
  return spec;
}

describe('kubernetes section update', () => {
  it('replaces only the section: other keys, comments and order stay as written', () => {
    const next = KubernetesSettingsSchema.parse({
      replicas: 3,
      ingress: { host: 'iris.example.com', annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } },
      networkPolicy: { allowNamespaces: ['ingress-nginx', 'monitoring'] },
      serviceMonitor: { labels: { release: 'prometheus' } },
      rollout: { strategy: 'canary', rolling: { maxSurge: '25%', maxUnavailable: 0 }, canary: { stableImage: 'reg.example.com:5000/team/iris:2@sha256:' + 'a'.repeat(64) } },
    });
    const text = replaceSection(SPEC, 'kubernetes', next as PlainData);
    assert.ok(text.startsWith('# My iris spec: keep this comment\napiVersion: modeldock/v1\nmodel:\n  path: iris.onnx   # relative to this file\n'));
    assert.ok(text.includes('\n\n# about the labels\nlabels: [setosa, versicolor, virginica]\n'), text);
    assert.ok(!text.includes('old comment inside'), 'the replaced section is re-emitted whole');
    const spec = settingsOf(text);
    assert.deepEqual(spec.kubernetes, next);
    assert.equal(spec.model.version, '3');
    assert.deepEqual(spec.labels, ['setosa', 'versicolor', 'virginica']);
  });

  it('appends the section, with a comment, when the file has none; a second update replaces it', () => {
    const starter = starterSpecText('/tmp/models/iris.onnx');
    assert.ok(!/^kubernetes:/m.test(starter));
    const defaults = KubernetesSettingsSchema.parse({});
    const once = replaceSection(starter, 'kubernetes', defaults as PlainData, 'written by the Deploy step');
    assert.ok(once.startsWith(starter.trimEnd()), 'the starter is kept as it was');
    assert.match(once, /\n\n# written by the Deploy step\nkubernetes:\n  namespace: modeldock\n/);
    assert.deepEqual(settingsOf(once).kubernetes, defaults);
    const changed = { ...defaults, namespace: 'ml-prod', autoscaling: { ...defaults.autoscaling, maxReplicas: 9 } };
    const twice = replaceSection(once, 'kubernetes', changed as PlainData, 'written by the Deploy step');
    assert.equal(twice.match(/^kubernetes:/gm)?.length, 1);
    assert.equal(twice.match(/written by the Deploy step/g)?.length, 1);
    assert.deepEqual(settingsOf(twice).kubernetes, changed);
  });

  it('keeps Windows line endings and a flow-style section', () => {
    const crlf = 'apiVersion: modeldock/v1\r\nkubernetes: {}\r\nmodel:\r\n  path: a.onnx\r\n  name: a\r\n';
    const text = replaceSection(crlf, 'kubernetes', { replicas: 5 });
    assert.equal(text, 'apiVersion: modeldock/v1\r\nkubernetes:\r\n  replicas: 5\r\nmodel:\r\n  path: a.onnx\r\n  name: a\r\n');
  });

  it('quotes strings YAML would read as something else', () => {
    assert.equal(yamlScalar('modeldock'), 'modeldock');
    for (const s of ['true', 'No', 'null', '1', '0x1f', '25%', '', 'a: b', '- x', '#x', 'iris.example.com ']) {
      assert.notEqual(yamlScalar(s), s, s);
      assert.equal(JSON.parse(yamlScalar(s)), s);
    }
  });
});
