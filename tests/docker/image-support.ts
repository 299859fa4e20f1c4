// Shared by the image-*.test.ts files: the serving bundle built, the offline base present, and a container run
// straight from an image (dockerode, no ContainerManager) on a free 127.0.0.1 port until /readyz answers.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import Docker from 'dockerode';
import { OFFLINE_BASE_IMAGE } from '../../shared/schemas/spec';
import { findNodeBinary, makeOfflineBase, offlineRootEntries } from '../../main/docker/offline-base';
import { tarStream, type TarEntry } from '../../main/docker/tar-stream';
import { MANAGED_LABEL } from '../../main/docker/labels';
import { ensureBuilt, ROOT } from '../support/ensure-built';

export const docker = new Docker();

/** dist/serving is what goes into the image; a broken renderer bundle elsewhere must not stop these tests. */
export function ensureServingBuilt(): void {
  try {
    ensureBuilt();
  } catch (error) {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'serving', 'modeldock-serve.js'))) throw error;
  }
}

export async function ensureOfflineBase(): Promise<string> {
  await makeOfflineBase(docker, { tag: OFFLINE_BASE_IMAGE });
  return OFFLINE_BASE_IMAGE;
}

/**
 * A base image of this test file's own (same contents, its own image id). The builder's cache hangs every step
 * result from its parent, and another file's no-cache build on the shared base makes newer, unfinished chains the
 * cache would pick; a private base keeps a test that counts cached steps independent of the files running beside it.
 */
export async function privateOfflineBase(): Promise<string> {
  const tag = `modeldock-test/node-offline:private-${process.pid}`;
  await makeOfflineBase(docker, { tag, force: true });
  return tag;
}

export interface RunningImage {
  url: string;
  /** Container start call to the first 200 from /readyz. */
  readyMs: number;
  stop(): Promise<void>;
}

export async function runImage(image: string, timeoutMs = 20_000): Promise<RunningImage> {
  const container = await docker.createContainer({
    Image: image,
    Labels: { [MANAGED_LABEL]: 'true', 'dev.modeldock.test': 'image' },
    HostConfig: { PortBindings: { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
  });
  const stop = async () => { await container.remove({ force: true }).catch(() => {}); };
  try {
    const started = performance.now();
    await container.start();
    const info = await container.inspect();
    const port = info.NetworkSettings.Ports['8080/tcp']?.[0]?.HostPort;
    if (!port) throw new Error('no host port was published');
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ok = (await httpRequest(`${url}/readyz`).catch(() => null))?.status === 200;
      if (ok) return { url, readyMs: performance.now() - started, stop };
      if (Date.now() > deadline) {
        const logs = (await container.logs({ stdout: true, stderr: true, tail: 30 })).toString('utf8');
        throw new Error(`not ready after ${timeoutMs} ms:\n${logs}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function removeImage(reference: string): Promise<void> {
  await docker.getImage(reference).remove({ force: true, noprune: true }).catch(() => {});
}

export async function imageExists(reference: string): Promise<boolean> {
  return docker.getImage(reference).inspect().then(() => true, () => false);
}

/**
 * One HTTP request with node:http and a timeout. Not fetch: right after a container starts, docker-proxy accepts
 * and drops connections, and undici's fetch was seen to leave its promise pending forever with no handle left.
 */
export function httpRequest(url: string, body?: string, timeoutMs = 5000): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out: ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A distroless-like base made from the offline base's files: node at /nodejs/bin/node, not on PATH, and
 * ENTRYPOINT ["/nodejs/bin/node"] (what gcr.io/distroless/nodejs does). No registry needed.
 */
export async function ensureDistrolessLikeBase(tag: string): Promise<string> {
  const entries = (await offlineRootEntries(findNodeBinary())).map((e): TarEntry => (e.name === 'usr/local/bin/node' ? { ...e, name: 'nodejs/bin/node' } : e));
  entries.unshift({ type: 'dir', name: 'nodejs' }, { type: 'dir', name: 'nodejs/bin' });
  const [repo, version] = tag.split(':');
  const stream = await docker.importImage(tarStream(entries) as unknown as string, {
    repo, tag: version,
    changes: ['ENV PATH=/usr/bin:/bin', 'ENTRYPOINT ["/nodejs/bin/node"]'],
  } as unknown as object);
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())));
  return tag;
}
