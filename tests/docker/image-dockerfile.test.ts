// The pure parts of a build, no engine needed: image names, label quoting, the node binary of a base, and how the
// builder's messages become progress (steps, cache hits, errors, a bar that only moves forward).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { imageReference, isValidReference, nodeCommandOf, safeTag } from '../../main/docker/build-plan';
import { BuildProgressTracker } from '../../main/docker/build-progress';
import { labelValue } from '../../main/docker/dockerfile';
import { withoutCredentials } from '../../main/docker/image-source';

describe('build plan helpers', () => {
  it('derives and checks image names', () => {
    assert.equal(imageReference(undefined, 'iris', '1'), 'iris:1');
    assert.equal(imageReference(undefined, 'iris', '1.0+build 7'), 'iris:1.0-build-7');
    assert.equal(imageReference('team/iris', 'x', '3'), 'team/iris:3', 'a name without a tag takes the model version');
    assert.equal(imageReference('localhost:5000/team/iris:dev', 'x', '3'), 'localhost:5000/team/iris:dev');
    assert.throws(() => imageReference('Iris:1', 'x', '1'), /not an image name Docker accepts/);
    assert.equal(isValidReference('registry.example.com/a/b:c'), true);
    assert.equal(isValidReference('a b:c'), false);
    assert.equal(safeTag('...'), 'latest');
  });

  it('quotes label values so Docker keeps them as written', () => {
    assert.equal(labelValue('Costs $HOME "now"\nback\\slash'), '"Costs \\$HOME \\"now\\" back\\\\slash"');
  });

  it('finds a base\'s own node binary, else node from PATH', () => {
    assert.equal(nodeCommandOf(['/nodejs/bin/node'], null), '/nodejs/bin/node');
    assert.equal(nodeCommandOf('/usr/local/bin/node', ['x']), '/usr/local/bin/node');
    assert.equal(nodeCommandOf(['docker-entrypoint.sh'], ['node']), 'node');
  });

  it('never puts a registry password from a git remote into a label', () => {
    assert.equal(withoutCredentials('https://user:token@github.com/team/models.git'), 'https://github.com/team/models.git');
    assert.equal(withoutCredentials('git@github.com:team/models.git'), 'git@github.com:team/models.git');
  });
});

describe('build progress', () => {
  it('reads steps, cache hits, the image id and errors from the builder\'s messages', () => {
    const t = new BuildProgressTracker();
    const events = [
      ...t.feed({ stream: 'Step 1/3 : FROM base\n' }),
      ...t.feed({ stream: ' ---> 3ff9d855d7db\n' }),
      ...t.feed({ stream: 'Step 2/3 : COPY onnxruntime/ /app/node_modules/\n ---> Using cache\n ---> 9de5cc6e9ad6\n' }),
      ...t.feed({ stream: 'Step 3/3 : COPY model/ /app/model/\n' }),
      ...t.feed({ aux: { ID: 'sha256:abc' } }),
      ...t.feed({ stream: 'Successfully built abc\n' }),
    ];
    assert.equal(t.stepTotal, 3);
    assert.equal(t.cachedSteps, 1);
    assert.equal(t.imageId, 'sha256:abc');
    assert.equal(t.finished, true);
    assert.deepEqual(events.filter((e) => e.cached).map((e) => e.stepIndex), [2, 2]);
    assert.equal(events.find((e) => e.stepIndex === 3)?.stepText, 'Step 3/3: COPY model/ /app/model/');
    for (let i = 1; i < events.length; i++) assert.ok(events[i].fraction >= events[i - 1].fraction);
    assert.ok(t.contextEvent(5, 10).fraction < events[0].fraction, 'sending the context comes first on the bar');
    t.feed({ errorDetail: { message: 'no space left on device' }, error: 'no space left on device' });
    assert.equal(t.error?.errorDetail?.message, 'no space left on device');
  });
});
