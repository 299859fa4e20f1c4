// Registry names, push targets and the docker CLI's saved logins: the pure parts of pushing, without an engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  dockerConfigCredentials, findCredential, normalizeRegistry, registryOfReference, SessionCredentialStore,
} from '../../main/docker/credential-store';
import { pushTarget } from '../../main/docker/image-push';
import { rejection } from '../support/rejection';

test('registry names: one key per registry, Docker\'s rules for where a reference lives', () => {
  assert.equal(normalizeRegistry('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(normalizeRegistry('https://GHCR.io/'), 'ghcr.io');
  assert.equal(normalizeRegistry('127.0.0.1:5000'), '127.0.0.1:5000');
  assert.equal(registryOfReference('iris:1'), 'docker.io');
  assert.equal(registryOfReference('team/iris:1'), 'docker.io');
  assert.equal(registryOfReference('localhost/iris:1'), 'localhost');
  assert.equal(registryOfReference('127.0.0.1:5000/team/iris:1'), '127.0.0.1:5000');
  assert.equal(registryOfReference('registry.example.com/iris'), 'registry.example.com');
});

test('push targets: the tag defaults to latest; a name without a registry, a digest or capitals are refused in words', async () => {
  assert.deepEqual(pushTarget('iris:1', '127.0.0.1:5000/team/iris'), { repo: '127.0.0.1:5000/team/iris', tag: 'latest', reference: '127.0.0.1:5000/team/iris:latest', registry: '127.0.0.1:5000' });
  assert.equal(pushTarget('registry.example.com/iris:3').reference, 'registry.example.com/iris:3');
  const missing = await rejection(Promise.resolve().then(() => pushTarget('iris:1')));
  assert.equal(missing.code, 'push-target-missing');
  assert.match(missing.message, /"iris:1" does not name a registry/);
  for (const bad of ['127.0.0.1:5000/Iris:1', '127.0.0.1:5000/iris@sha256:abc', '127.0.0.1:5000/iris:bad tag']) {
    const error = await rejection(Promise.resolve().then(() => pushTarget('iris:1', bad)));
    assert.equal(error.code, 'push-target-invalid', bad);
  }
});

test('the docker CLI\'s config.json logins are read (never written); the app\'s own login wins', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-dockercfg-'));
  try {
    const env = { DOCKER_CONFIG: dir };
    assert.deepEqual(dockerConfigCredentials(env), [], 'no file: no logins');
    fs.writeFileSync(path.join(dir, 'config.json'), '{ not json');
    assert.deepEqual(dockerConfigCredentials(env), [], 'a broken file: no logins, no crash');
    const config = JSON.stringify({
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hub-user:hub:pass').toString('base64') },
        '127.0.0.1:5000': { auth: Buffer.from('local:secret').toString('base64') },
        'ghcr.io': {},
      },
      credsStore: 'desktop',
    });
    fs.writeFileSync(path.join(dir, 'config.json'), config);
    assert.deepEqual(dockerConfigCredentials(env), [
      { registry: 'docker.io', username: 'hub-user', password: 'hub:pass' },
      { registry: '127.0.0.1:5000', username: 'local', password: 'secret' },
    ]);
    const store = new SessionCredentialStore();
    assert.equal((await findCredential(store, '127.0.0.1:5000', env))?.source, 'docker-config');
    await store.set({ registry: 'http://127.0.0.1:5000/', username: 'mine', password: 'x' });
    const found = await findCredential(store, '127.0.0.1:5000', env);
    assert.equal(found?.source, 'store');
    assert.equal(found?.credential.username, 'mine');
    assert.deepEqual(await store.list(), [{ registry: '127.0.0.1:5000', username: 'mine' }], 'user names only');
    assert.equal(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'), config, 'config.json untouched');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
