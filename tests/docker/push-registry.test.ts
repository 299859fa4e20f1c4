// Pushing to a real registry on loopback (Debian's docker-registry with htpasswd auth): a wrong password is
// refused in words, the push reports layers and the digest, the history keeps it, and the image pulled back by
// digest runs and answers. The CLI's `modeldock push` does the same with credentials from the environment.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { createEngine, type Engine } from '../../main/engine/engine';
import { rejection } from '../support/rejection';
import { runCaptured } from '../unit/cli-support';
import { startRegistry, type TestRegistry } from './support/registry';
import { ensureServingImage, removeServingImage, type ServingImage } from './support/serving-image';

const docker = new Docker();

async function pull(reference: string, registry: TestRegistry): Promise<void> {
  const stream = await docker.pull(reference, { authconfig: { username: registry.username, password: registry.password, serveraddress: registry.address } });
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
    const failed = output?.find((o) => o.error);
    return error || failed ? reject(error ?? new Error(failed!.error)) : resolve();
  }));
}

describe('pushing the serving image to a registry', () => {
  let engine: Engine;
  let dataDir = '';
  let image: ServingImage;
  let registry: TestRegistry;
  const pushed: string[] = [];

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-push-'));
    // No docker CLI login may leak into these tests.
    process.env.DOCKER_CONFIG = path.join(dataDir, 'docker-config');
    engine = createEngine({ shell: 'cli', dataDir });
    [image, registry] = await Promise.all([ensureServingImage(engine), startRegistry()]);
  });
  after(async () => {
    await engine.dispose();
    await removeServingImage(image);
    for (const reference of pushed) await docker.getImage(reference).remove({ force: true, noprune: true }).catch(() => {});
    await registry.stop();
    delete process.env.DOCKER_CONFIG;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a wrong password: "The registry refused the credentials", and nothing is kept', async () => {
    const error = await rejection(engine.invoke('registry.login', { registry: registry.address, username: registry.username, password: 'wrong' }));
    assert.equal(error.code, 'registry-auth-failed');
    assert.equal(error.title, 'The registry refused the credentials');
    assert.match(error.message, new RegExp(registry.address.replace(/\./g, '\\.')));
    assert.doesNotMatch(`${error.message} ${error.detail ?? ''}`, /wrong/, 'the password never appears in an error');
    assert.deepEqual((await engine.invoke('registry.list', {})).registries, []);
  });

  it('a push without credentials is refused in words', async () => {
    const error = await rejection(engine.invoke('image.push', { image: image.reference, target: `${registry.address}/modeldock/iris:anonymous` }));
    assert.equal(error.code, 'registry-auth-failed', `${error.code}: ${error.message} ${error.detail}`);
    pushed.push(`${registry.address}/modeldock/iris:anonymous`);
  });

  it('an image without a registry in its name needs a target', async () => {
    const error = await rejection(engine.invoke('image.push', { image: image.reference }));
    assert.equal(error.code, 'push-target-missing');
    assert.match(error.fix ?? '', /--to/);
  });

  it('logs in, pushes with layer progress, answers the digest, keeps it in the history; pulled by digest it runs', async () => {
    const login = await engine.invoke('registry.login', { registry: registry.address, username: registry.username, password: registry.password });
    assert.deepEqual(login, { registry: registry.address, username: registry.username, storedIn: 'session' });
    const listed = await engine.invoke('registry.list', {});
    assert.deepEqual(listed.registries, [{ registry: registry.address, username: registry.username, storedIn: 'session' }]);

    const target = `${registry.address}/modeldock/iris:1`;
    pushed.push(target);
    const events: Array<{ layers: Record<string, string>; fraction: number }> = [];
    const result = await engine.invoke('image.push', { image: image.reference, target }, { onProgress: (p) => events.push(p) });
    assert.equal(result.reference, target);
    assert.match(result.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(result.pinned, `${registry.address}/modeldock/iris@${result.digest}`);
    const last = events[events.length - 1];
    assert.ok(Object.keys(last.layers).length >= 3, `layers: ${JSON.stringify(last.layers)}`);
    assert.ok(Object.values(last.layers).every((s) => /Pushed|already exists|Mounted/i.test(s)), JSON.stringify(last.layers));

    // The registry itself serves that digest.
    const manifest = await fetch(`http://${registry.address}/v2/modeldock/iris/manifests/1`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
        Accept: 'application/vnd.docker.distribution.manifest.v2+json',
      },
    });
    assert.equal(manifest.status, 200);
    assert.equal(manifest.headers.get('docker-content-digest'), result.digest);

    const history = await engine.invoke('image.history', {});
    const record = history.builds.find((b) => b.imageId === image.imageId);
    assert.ok(record?.pushes.some((p) => p.digest === result.digest && p.reference === target), 'the push is in the history');

    // Pull it back by digest (the local tag removed first, so the pull is real) and run it.
    await docker.getImage(target).remove({ noprune: true });
    await pull(result.pinned, registry);
    pushed.push(result.pinned);
    const pulled = await docker.getImage(result.pinned).inspect();
    assert.equal(pulled.Id, image.imageId, 'the same image came back');
    const status = await engine.invoke('container.run', { image: result.pinned });
    try {
      const tried = await engine.invoke('container.try', { id: status.id, protocol: 'lesson', body: JSON.stringify({ instances: [[6.7, 3.0, 5.2, 2.3]] }) });
      assert.equal(tried.status, 200);
      assert.equal(tried.prediction?.label, 'virginica');
    } finally {
      await engine.invoke('container.stop', { id: status.id });
    }

    const afterLogout = await engine.invoke('registry.logout', { registry: registry.address });
    assert.deepEqual(afterLogout.registries, []);
  });

  it('a login saved by the docker CLI (config.json auths) is used when the app has none', async () => {
    const configDir = process.env.DOCKER_CONFIG!;
    fs.mkdirSync(configDir, { recursive: true });
    fs.writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({
      auths: { [registry.address]: { auth: Buffer.from(`${registry.username}:${registry.password}`).toString('base64') } },
    }));
    try {
      const listed = await engine.invoke('registry.list', {});
      assert.deepEqual(listed.registries, [{ registry: registry.address, username: registry.username, storedIn: 'docker-config' }]);
      const target = `${registry.address}/modeldock/iris:from-config`;
      pushed.push(target);
      const result = await engine.invoke('image.push', { image: image.reference, target });
      assert.match(result.digest, /^sha256:/);
    } finally {
      fs.rmSync(path.join(configDir, 'config.json'));
    }
  });

  it('modeldock push: credentials from the environment, the digest printed; a wrong password is exit 1 in words', async () => {
    const target = `${registry.address}/modeldock/iris:cli`;
    pushed.push(target);
    const ok = await runCaptured(['push', image.reference, '--to', target], {
      engine,
      env: { MODELDOCK_REGISTRY_USERNAME: registry.username, MODELDOCK_REGISTRY_PASSWORD: registry.password },
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Pushed .*iris:cli/);
    assert.match(ok.stdout, /digest: sha256:[0-9a-f]{64}/);
    assert.match(ok.stdout, new RegExp(`pinned: ${registry.address.replace(/\./g, '\\.')}/modeldock/iris@sha256:`));
    assert.doesNotMatch(ok.stdout + ok.stderr, new RegExp(registry.password));

    const bad = await runCaptured(['push', image.reference, '--to', target], {
      engine,
      env: { MODELDOCK_REGISTRY_USERNAME: registry.username, MODELDOCK_REGISTRY_PASSWORD: 'not-it' },
    });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /The registry refused the credentials/);
    assert.doesNotMatch(bad.stderr, /not-it|at .*\.ts:/);
  });
});
