// docker.status and docker.makeBase against the real engine: the offline base is imported from this machine's
// Node, runs Node as the runtime's non-root user, and a dead DOCKER_HOST is reported in plain words, not thrown.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import Docker from 'dockerode';
import { ensureBuilt, ROOT } from '../support/ensure-built';
import { createEngine, type Engine } from '../../main/engine/engine';
import { rejection } from '../support/rejection';

const TEST_TAG = 'modeldock-test/node-offline:base-test';

describe('docker engine status and the offline base image', () => {
  let engine: Engine;
  let dataDir = '';

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-docker-'));
    engine = createEngine({ shell: 'cli', dataDir });
  });
  after(async () => {
    await engine.dispose();
    await new Docker().getImage(TEST_TAG).remove({ force: true, noprune: true }).catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports the engine, its platform and what ModelDock made', async () => {
    const status = await engine.invoke('docker.status', {});
    assert.equal(status.available, true, JSON.stringify(status.error));
    assert.match(status.serverVersion ?? '', /^\d+\./);
    assert.match(status.platform ?? '', /^linux\/(amd64|arm64)$/);
    assert.ok((status.cpus ?? 0) >= 1);
    assert.equal(typeof status.managedImages, 'number');
    assert.equal(status.offlineBase, 'modeldock/node-offline:20');
  });

  it('a dead DOCKER_HOST gives "Docker is not running" with the address, and status says so without throwing', async () => {
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${path.join(dataDir, 'no-such.sock')}`;
    try {
      const status = await engine.invoke('docker.status', {});
      assert.equal(status.available, false);
      assert.equal(status.endpoint.source, 'DOCKER_HOST');
      assert.equal(status.error?.code, 'docker-not-running');
      assert.match(status.error?.message ?? '', /no-such\.sock/);
      const error = await rejection(engine.invoke('docker.makeBase', { tag: TEST_TAG }));
      assert.equal(error.code, 'docker-not-running');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST; else process.env.DOCKER_HOST = saved;
    }
  });

  it('a user who may not open the Docker socket is told about the docker group (run for real as "nobody")', async (t) => {
    const socket = '/var/run/docker.sock';
    const setpriv = '/usr/bin/setpriv';
    if (process.getuid?.() !== 0 || !fs.existsSync(setpriv) || !fs.existsSync(socket) || process.env.DOCKER_HOST) {
      t.skip('needs root, setpriv and the default Docker socket to run the CLI as another user');
      return;
    }
    if ((fs.statSync(socket).mode & 0o006) !== 0) {
      t.skip('the Docker socket is open to every user here');
      return;
    }
    ensureBuilt();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-nobody-'));
    fs.chmodSync(data, 0o777);
    try {
      const result = spawnSync(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.join(ROOT, 'dist', 'modeldock.js'), 'base-image'], {
        encoding: 'utf8', env: { ...process.env, MODELDOCK_DATA_DIR: data, NO_COLOR: '1', HOME: data },
      });
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /No permission to use Docker/);
      assert.match(result.stderr, /docker group/);
      assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
    } finally {
      fs.rmSync(data, { recursive: true, force: true });
    }
  });

  it('makes an offline base from this machine\'s Node that runs Node as a non-root user', async () => {
    const steps: string[] = [];
    const made = await engine.invoke('docker.makeBase', { tag: TEST_TAG, force: true }, { onProgress: (p) => steps.push(p.step) });
    assert.equal(made.created, true);
    assert.equal(made.nodeVersion, process.version);
    assert.equal(steps.length, 3);
    // Node plus a handful of libraries: about the size of the node binary, far below a Debian image.
    const nodeBytes = fs.statSync(process.execPath).size;
    assert.ok(made.sizeBytes < nodeBytes + 30 * 1024 * 1024, `${made.sizeBytes} bytes`);
    const again = await engine.invoke('docker.makeBase', { tag: TEST_TAG });
    assert.equal(again.created, false);
    assert.equal(again.imageId, made.imageId);

    const docker = new Docker();
    const info = await docker.getImage(TEST_TAG).inspect();
    assert.equal(info.Config.Labels?.['dev.modeldock.managed'], 'true');
    const container = await docker.createContainer({
      Image: TEST_TAG, User: '10001:10001', HostConfig: { NetworkMode: 'none' },
      Cmd: ['node', '-e', 'console.log(JSON.stringify({ uid: process.getuid(), v: process.version, tmp: require("fs").statSync("/tmp").mode & 0o1777 }))'],
    });
    try {
      await container.start();
      assert.equal(((await container.wait()) as { StatusCode: number }).StatusCode, 0);
      const out = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
      const json = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as { uid: number; v: string; tmp: number };
      assert.deepEqual(json, { uid: 10001, v: process.version, tmp: 0o1777 });
    } finally {
      await container.remove({ force: true });
    }
  });
});

describe('picking a Docker context', () => {
  it('is kept by the engine, applies to later calls, survives a restart, and refuses an unknown name', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-context-'));
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-dockercfg-'));
    const saved = { DOCKER_CONFIG: process.env.DOCKER_CONFIG, DOCKER_HOST: process.env.DOCKER_HOST, DOCKER_CONTEXT: process.env.DOCKER_CONTEXT };
    // A context as `docker context create nowhere --docker host=unix:///...` writes it.
    const id = createHash('sha256').update('nowhere').digest('hex');
    fs.mkdirSync(path.join(config, 'contexts', 'meta', id), { recursive: true });
    fs.writeFileSync(path.join(config, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: 'nowhere', Endpoints: { docker: { Host: `unix://${path.join(config, 'none.sock')}` } } }));
    process.env.DOCKER_CONFIG = config;
    delete process.env.DOCKER_HOST;
    delete process.env.DOCKER_CONTEXT;
    let engine = createEngine({ shell: 'cli', dataDir });
    try {
      const before = await engine.invoke('docker.status', {});
      assert.equal(before.available, true, 'the default engine answers');
      assert.deepEqual(before.contexts.map((c) => c.name).sort(), ['default', 'nowhere']);
      const switched = await engine.invoke('docker.useContext', { context: 'nowhere' });
      assert.equal(switched.chosenContext, 'nowhere');
      assert.equal(switched.endpoint.context, 'nowhere');
      assert.equal(switched.available, false);
      assert.equal(switched.error?.code, 'docker-not-running');
      assert.equal((await rejection(engine.invoke('image.history', {}).then(() => engine.invoke('container.list', {})))).code, 'docker-not-running');
      await engine.dispose();
      engine = createEngine({ shell: 'cli', dataDir });
      assert.equal((await engine.invoke('docker.status', {})).chosenContext, 'nowhere', 'kept across restarts');
      assert.equal((await rejection(engine.invoke('docker.useContext', { context: 'missing' }))).code, 'docker-context-unknown');
      const back = await engine.invoke('docker.useContext', { context: null });
      assert.equal(back.chosenContext, null);
      assert.equal(back.available, true);
    } finally {
      await engine.dispose();
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(config, { recursive: true, force: true });
    }
  });
});
