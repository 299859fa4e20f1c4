// Saving one section of modeldock.yaml (the Deploy screen's kubernetes:, the Monitor screen's monitoring:, the
// CLI's monitoring.profile) keeps everything else the user wrote: comments, quoting, flow lists, blank lines.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/engine';
import { recordProfileInSpec } from '../../main/monitoring/profile-in-spec';
import { sectionValue, updateSpecSection } from '../../main/spec/spec-section-update';
import { validateSpecText } from '../../main/spec/spec-validate';
import { KubernetesSettingsSchema } from '../../shared/schemas/kubernetes-settings';

const HEAD = `# ModelDock spec for the iris classifier.
# Owned by the ML team: ask #ml-platform before changing the image.

apiVersion: modeldock/v1
model:
  path: iris.onnx   # relative to this file
  name: iris
  version: "3"

labels: [setosa, versicolor, virginica]  # index order

`;
const KUBERNETES = `kubernetes:
  # Our team's namespace; the dev overlay adds -dev.
  namespace: 'ml-prod'    # quoted on purpose
  replicas: 3
  resources:
    requests: {cpu: 0.5, memoryMiB: 512}
    limits:
      cpu: 2   # burst for batch jobs
      memoryMiB: 1024

  # autoscaling tuned after the load test of May
  autoscaling:
    enabled: true
    minReplicas: 2
    maxReplicas: 6   # budget cap
  networkPolicy:
    allowNamespaces: [ingress-nginx, monitoring]
  serviceMonitor:
    labels:
      release: prometheus
  # end of kubernetes
`;
const TAIL = `
# Monitoring: drift against the training sample.
monitoring:
  windowSize: 200   # small service
  alerts:
    errorRate: 0.02
`;
const SPEC = HEAD + KUBERNETES + TAIL;

type Section = Record<string, unknown>;
const kubernetesOf = (text: string) => structuredClone(sectionValue(text, 'kubernetes')) as Section & {
  autoscaling: Section; resources: Section & { requests: Section }; networkPolicy: { allowNamespaces: string[] }; serviceMonitor?: Section;
};

/** The result reads back as a valid spec whose kubernetes section is exactly `value`, and the rest is untouched. */
function checked(text: string, value: unknown): string {
  const { spec, issues } = validateSpecText(text);
  assert.deepEqual(issues, [], text);
  assert.ok(spec);
  assert.deepEqual(sectionValue(text, 'kubernetes'), value);
  assert.ok(text.startsWith(HEAD), 'everything before the section is byte-identical');
  assert.ok(text.endsWith(TAIL), 'everything after the section is byte-identical');
  return text;
}

describe('updateSpecSection', () => {
  it('the same value gives the same text, byte for byte', () => {
    assert.equal(updateSpecSection(SPEC, 'kubernetes', kubernetesOf(SPEC)), SPEC);
    assert.equal(updateSpecSection(SPEC, 'monitoring', sectionValue(SPEC, 'monitoring')), SPEC);
  });

  it('a changed scalar is replaced where it stands: its comment and quoting stay', () => {
    const next = kubernetesOf(SPEC);
    next.autoscaling.maxReplicas = 9;
    next.namespace = 'ml-staging';
    const text = checked(updateSpecSection(SPEC, 'kubernetes', next), next);
    assert.equal(text, SPEC.replace('maxReplicas: 6   # budget cap', 'maxReplicas: 9   # budget cap')
      .replace(`namespace: 'ml-prod'    # quoted on purpose`, `namespace: 'ml-staging'    # quoted on purpose`));
  });

  it('a changed list keeps its flow style; a changed flow map keeps its form', () => {
    const next = kubernetesOf(SPEC);
    next.networkPolicy.allowNamespaces = ['ingress-nginx', 'monitoring', 'istio-system'];
    next.resources.requests.cpu = 1;
    const text = checked(updateSpecSection(SPEC, 'kubernetes', next), next);
    assert.equal(text, SPEC.replace('[ingress-nginx, monitoring]', '[ingress-nginx, monitoring, istio-system]')
      .replace('{cpu: 0.5, memoryMiB: 512}', '{cpu: 1, memoryMiB: 512}'));
  });

  it('a removed key goes with its lines; a new key is added after the last one, before the closing comment', () => {
    const next = kubernetesOf(SPEC);
    delete next.serviceMonitor;
    (next as Section).ingress = { host: 'iris.example.com', path: '/', annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } };
    const text = checked(updateSpecSection(SPEC, 'kubernetes', next), next);
    assert.equal(text, SPEC.replace('  serviceMonitor:\n    labels:\n      release: prometheus\n', [
      '  ingress:',
      '    host: iris.example.com',
      '    path: /',
      '    annotations:',
      '      nginx.ingress.kubernetes.io/proxy-body-size: 8m',
      '',
    ].join('\n')));
  });

  it('the Deploy screen\'s full settings (every default filled in) keep every comment inside the section', () => {
    const settings = KubernetesSettingsSchema.parse({ ...kubernetesOf(SPEC), rollout: { strategy: 'canary', canary: { percent: 20 } } });
    settings.autoscaling.maxReplicas = 8;
    const text = checked(updateSpecSection(SPEC, 'kubernetes', settings), JSON.parse(JSON.stringify(settings)));
    for (const line of [
      '  # Our team\'s namespace; the dev overlay adds -dev.',
      '  namespace: \'ml-prod\'    # quoted on purpose',
      '    requests: {cpu: 0.5, memoryMiB: 512}',
      '      cpu: 2   # burst for batch jobs',
      '\n\n  # autoscaling tuned after the load test of May\n  autoscaling:',
      '    maxReplicas: 8   # budget cap',
      '    allowNamespaces: [ingress-nginx, monitoring]',
      '  # end of kubernetes\n',
    ]) assert.ok(text.includes(line), `kept: ${line}\n${text}`);
    assert.match(text, /\n {2}rollout:\n {4}strategy: canary\n/);
    assert.equal(validateSpecText(text).spec?.kubernetes?.rollout.canary.percent, 20);
  });

  it('a block list keeps its items\' comments; changed, removed and added items are edited in place', () => {
    const spec = 'apiVersion: modeldock/v1\nmodel: {path: a.onnx, name: a}\nkubernetes:\n  networkPolicy:\n    allowNamespaces:\n      - ingress-nginx   # the controller\n      - monitoring      # prometheus\n      - old-team\n';
    const grown = updateSpecSection(spec, 'kubernetes', { networkPolicy: { allowNamespaces: ['ingress-nginx', 'observability', 'old-team', 'new-team'] } });
    assert.equal(grown, spec.replace('- monitoring      # prometheus', '- observability      # prometheus') + '      - new-team\n');
    const shrunk = updateSpecSection(spec, 'kubernetes', { networkPolicy: { allowNamespaces: ['ingress-nginx'] } });
    assert.equal(shrunk, 'apiVersion: modeldock/v1\nmodel: {path: a.onnx, name: a}\nkubernetes:\n  networkPolicy:\n    allowNamespaces:\n      - ingress-nginx   # the controller\n');
    const emptied = updateSpecSection(spec, 'kubernetes', { networkPolicy: { allowNamespaces: [] } });
    assert.equal(emptied, 'apiVersion: modeldock/v1\nmodel: {path: a.onnx, name: a}\nkubernetes:\n  networkPolicy:\n    allowNamespaces: []\n');
    assert.equal(validateSpecText(emptied).spec?.kubernetes?.networkPolicy?.allowNamespaces.length, 0);
  });

  it('a missing section is appended with its head comment; everything before stays a byte-identical prefix', () => {
    const withoutIt = HEAD + TAIL.slice(1);
    const value = { namespace: 'modeldock', autoscaling: { maxReplicas: 4 } };
    const text = updateSpecSection(withoutIt, 'kubernetes', value, 'How the model runs in Kubernetes.');
    assert.equal(text, `${withoutIt}\n# How the model runs in Kubernetes.\nkubernetes:\n  namespace: modeldock\n  autoscaling:\n    maxReplicas: 4\n`);
    assert.deepEqual(sectionValue(text, 'kubernetes'), value);
    // The second save finds it and edits it; the comment is not repeated.
    const again = updateSpecSection(text, 'kubernetes', { ...value, namespace: 'ml' }, 'How the model runs in Kubernetes.');
    assert.equal(again, text.replace('  namespace: modeldock', '  namespace: ml'));
    // A file without a final newline gets one before the section, and a blank line.
    assert.equal(updateSpecSection('apiVersion: modeldock/v1', 'kubernetes', { replicas: 2 }), 'apiVersion: modeldock/v1\n\nkubernetes:\n  replicas: 2\n');
  });

  it('an empty or flow-style section becomes a block; Windows line endings are kept', () => {
    const crlf = 'apiVersion: modeldock/v1\r\nkubernetes: {}   # to do\r\nmodel:\r\n  path: a.onnx\r\n  name: a\r\n';
    const text = updateSpecSection(crlf, 'kubernetes', { replicas: 5, autoscaling: { enabled: false } });
    assert.equal(text, 'apiVersion: modeldock/v1\r\nkubernetes:\r\n  replicas: 5\r\n  autoscaling:\r\n    enabled: false   # to do\r\nmodel:\r\n  path: a.onnx\r\n  name: a\r\n');
    const edited = updateSpecSection(text, 'kubernetes', { replicas: 6, autoscaling: { enabled: false }, namespace: 'x' });
    assert.equal(edited, text.replace('replicas: 5', 'replicas: 6').replace('   # to do\r\n', '   # to do\r\n  namespace: x\r\n'));
  });

  it('strings that YAML would read as something else are quoted; keys quoted in the file stay quoted', () => {
    const spec = 'apiVersion: modeldock/v1\nkubernetes:\n  rollout:\n    rolling:\n      "maxSurge": 1\n';
    const text = updateSpecSection(spec, 'kubernetes', { rollout: { rolling: { maxSurge: '25%', note: 'true', other: 'a: b', hash: '#x' } } });
    assert.deepEqual(sectionValue(text, 'kubernetes'), { rollout: { rolling: { maxSurge: '25%', note: 'true', other: 'a: b', hash: '#x' } } });
    assert.ok(text.includes('      "maxSurge": 25%\n'), text);
  });

  it('refuses text that is not YAML, with a message naming the problem', () => {
    assert.throws(() => updateSpecSection('apiVersion: [oops\n', 'kubernetes', { replicas: 2 }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'spec-invalid');
      assert.match(e.message, /not valid YAML/);
      return true;
    });
  });
});

describe('spec.writeSection and monitor profile', () => {
  let work: string;
  let engine: Engine;
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-section-'));
    engine = createEngine({ shell: 'cli', dataDir: path.join(work, 'data') });
  });
  after(async () => {
    await engine.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('writes the section into the file as it is on disk now; an invalid value writes nothing', async () => {
    const specPath = path.join(work, 'modeldock.yaml');
    fs.writeFileSync(specPath, SPEC);
    // The screen read the file, then someone edited another section on disk.
    const screenRead = await engine.invoke('spec.read', { path: specPath });
    const onDisk = SPEC.replace('name: iris', 'name: iris-v2  # renamed in the editor');
    fs.writeFileSync(specPath, onDisk);
    const value = { ...kubernetesOf(screenRead.text), replicas: 4 };
    const saved = await engine.invoke('spec.writeSection', { path: specPath, section: 'kubernetes', value });
    assert.deepEqual(saved.issues, []);
    assert.equal(saved.spec?.model.name, 'iris-v2', 'the edit made on disk is kept');
    assert.equal(fs.readFileSync(specPath, 'utf8'), onDisk.replace('  replicas: 3\n', '  replicas: 4\n'));

    const refused = await engine.invoke('spec.writeSection', { path: specPath, section: 'kubernetes', value: { ...value, replicas: 0 } });
    assert.equal(refused.spec, null);
    assert.equal(refused.issues[0].path, 'kubernetes.replicas');
    assert.equal(fs.readFileSync(specPath, 'utf8'), onDisk.replace('  replicas: 3\n', '  replicas: 4\n'), 'the file is untouched');
  });

  it('leaves a file that has problems alone, and creates a missing file from the starter it is given', async () => {
    const broken = path.join(work, 'broken.yaml');
    const text = 'apiVersion: modeldock/v1\nmodel:\n  path: a.onnx\n  name: Not A Name  # being edited\n';
    fs.writeFileSync(broken, text);
    const refused = await engine.invoke('spec.writeSection', { path: broken, section: 'monitoring', value: { driftThreshold: 0.3 } });
    assert.equal(refused.spec, null);
    assert.equal(refused.issues[0].path, 'model.name');
    assert.equal(fs.readFileSync(broken, 'utf8'), text);

    const fresh = path.join(work, 'fresh', 'modeldock.yaml');
    fs.mkdirSync(path.dirname(fresh));
    const starterText = '# Starter\napiVersion: modeldock/v1\nmodel:\n  path: a.onnx\n  name: a\n';
    const created = await engine.invoke('spec.writeSection', { path: fresh, section: 'monitoring', value: { driftThreshold: 0.3 }, headComment: 'Model monitoring.', starterText });
    assert.deepEqual(created.issues, []);
    assert.equal(fs.readFileSync(fresh, 'utf8'), `${starterText}\n# Model monitoring.\nmonitoring:\n  driftThreshold: 0.3\n`);
  });

  it('monitor profile sets monitoring.profile and leaves the rest of the file as written', () => {
    const dir = fs.mkdtempSync(path.join(work, 'profile-'));
    const specPath = path.join(dir, 'modeldock.yaml');
    fs.writeFileSync(specPath, SPEC);
    const result = recordProfileInSpec(specPath, path.join(dir, 'profiles', 'iris.profile.json'));
    assert.equal(result.updated, true);
    assert.equal(fs.readFileSync(specPath, 'utf8'), SPEC.replace('    errorRate: 0.02\n', '    errorRate: 0.02\n  profile: profiles/iris.profile.json\n'));
    assert.equal(recordProfileInSpec(specPath, path.join(dir, 'profiles', 'iris.profile.json')).updated, false);
  });
});
