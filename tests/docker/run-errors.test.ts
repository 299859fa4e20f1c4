// Each way a container run can fail, produced for real against the engine, and the sentence the user gets:
// Docker not running (DOCKER_HOST at a dead socket), a taken port, a container that exits at start (with its last
// log lines), a readiness timeout, an image that is not there. None leaves a container behind.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as path from 'node:path';
import Docker from 'dockerode';
import { MANAGED_LABEL } from '../../main/docker/labels';
import { rejection } from '../support/rejection';
import { useServingImage } from './support/serving-image';

const docker = new Docker();

/** ModelDock containers from this image, any state. */
/**
 * Our containers of this image that match a test's own marker (an env entry or a host port). Other test files run
 * containers of the same image at the same time, so "no container left behind" looks only for this test's own.
 */
async function leftovers(imageId: string, mine: { env?: string; port?: number }): Promise<string[]> {
  const all = await docker.listContainers({ all: true, filters: { label: [`${MANAGED_LABEL}=true`] } });
  const found: string[] = [];
  for (const c of all.filter((x) => x.ImageID === imageId)) {
    const info = await docker.getContainer(c.Id).inspect().catch(() => null);
    if (!info) continue;
    const envMatch = mine.env !== undefined && (info.Config.Env ?? []).includes(mine.env);
    const bindings = Object.values(info.HostConfig.PortBindings ?? {}).flat() as Array<{ HostPort?: string }>;
    const portMatch = mine.port !== undefined && bindings.some((b) => b?.HostPort === String(mine.port));
    if (envMatch || portMatch) found.push(c.Id);
  }
  return found;
}

describe('container errors in plain words', () => {
  const fx = useServingImage('modeldock-run-errors-');

  it('DOCKER_HOST at a dead socket: "Docker is not running", naming the address', async () => {
    const saved = process.env.DOCKER_HOST;
    const socket = path.join(fx.dataDir, 'dead.sock');
    process.env.DOCKER_HOST = `unix://${socket}`;
    try {
      const error = await rejection(fx.engine.invoke('container.run', { image: fx.image.reference }));
      assert.equal(error.code, 'docker-not-running');
      assert.equal(error.title, 'Docker is not running');
      assert.match(error.message, new RegExp(socket.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
      assert.match(error.fix ?? '', /start/i);
      const listed = await rejection(fx.engine.invoke('container.list', {}));
      assert.equal(listed.code, 'docker-not-running');
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
  });

  it('a port another program holds: "already in use", naming the port, and nothing is created', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const error = await rejection(fx.engine.invoke('container.run', { image: fx.image.reference, port }));
      assert.equal(error.code, 'port-in-use');
      assert.match(error.title, new RegExp(String(port)));
      assert.match(error.fix ?? '', /another port|free one/);
    } finally {
      holder.close();
    }
    assert.deepEqual(await leftovers(fx.image.imageId, { port }), []);
  });

  it('a port a running container of ours holds: the error names that container', async () => {
    const first = await fx.engine.invoke('container.run', { image: fx.image.reference });
    try {
      const error = await rejection(fx.engine.invoke('container.run', { image: fx.image.reference, port: first.hostPort! }));
      assert.equal(error.code, 'port-in-use');
      assert.match(error.message, new RegExp(first.name));
    } finally {
      await fx.engine.invoke('container.stop', { id: first.id });
    }
  });

  it('a container that exits at start (a bad setting): its exit code and last log lines, and it is removed', async () => {
    const error = await rejection(fx.engine.invoke('container.run', { image: fx.image.reference, env: { MODELDOCK_MAX_QUEUE: 'abc' } }));
    assert.equal(error.code, 'container-exited');
    assert.equal(error.title, 'The container stopped right after starting');
    assert.match(error.message, /exited with code 2 before it was ready/);
    assert.match(error.message, /Its last log lines:\n[\s\S]*MODELDOCK_MAX_QUEUE/, error.message);
    assert.match(error.fix ?? '', /setting is invalid/);
    assert.deepEqual(await leftovers(fx.image.imageId, { env: 'MODELDOCK_MAX_QUEUE=abc' }), [], 'no container left behind');
  });

  it('a server that never becomes reachable: a readiness timeout with its log lines, and it is removed', async () => {
    // Bound to the container's own loopback, the server is alive inside but never reachable through the port.
    const started = Date.now();
    const error = await rejection(fx.engine.invoke('container.run', { image: fx.image.reference, env: { MODELDOCK_HOST: '127.0.0.1' }, readyTimeoutSeconds: 2 }));
    assert.ok(Date.now() - started < 15_000);
    assert.equal(error.code, 'container-ready-timeout');
    assert.equal(error.title, 'The model was not ready in time');
    assert.match(error.message, /within 2 s; it was stopped and removed/);
    assert.match(error.message, /listening on 127\.0\.0\.1/, error.message);
    assert.match(error.fix ?? '', /readiness timeout/);
    assert.deepEqual(await leftovers(fx.image.imageId, { env: 'MODELDOCK_HOST=127.0.0.1' }), [], 'no container left behind');
  });

  it('an image the engine does not have: "The image is not available"', async () => {
    const error = await rejection(fx.engine.invoke('container.run', { image: 'modeldock-test/no-such-image:404' }));
    assert.equal(error.code, 'image-missing');
    assert.match(error.message, /modeldock-test\/no-such-image:404/);
  });

  it('a container that is gone, and one that is not ModelDock\'s, are refused in words', async () => {
    const missing = await rejection(fx.engine.invoke('container.try', { id: 'no-such-container-xyz', protocol: 'lesson' }));
    assert.equal(missing.code, 'container-missing');
    // Labels of the image carry over to containers; a container label overrides it, as for one made by hand.
    const foreign = await docker.createContainer({ Image: fx.image.imageId, Cmd: ['--version'], Labels: { [MANAGED_LABEL]: 'no' } });
    try {
      const refused = await rejection(fx.engine.invoke('container.stop', { id: foreign.id }));
      assert.equal(refused.code, 'container-not-managed');
    } finally {
      await foreign.remove({ force: true }).catch(() => {});
    }
  });
});
