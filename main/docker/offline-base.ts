import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { ModelDockError } from '../../shared/errors';
import { OFFLINE_BASE_IMAGE } from '../../shared/schemas/spec';
import { dockerError } from './docker-errors';
import { followDockerStream } from './docker-stream';
import { findImage } from './image-lookup';
import { splitReference } from './image-reference';
import { MANAGED_LABEL } from './labels';
import { onnxRuntimeBinaryDir } from './onnxruntime-files';
import { tarStream, type TarEntry } from './tar-stream';

/**
 * An offline base image for machines that cannot reach a registry: a root file system holding only this
 * machine's Node binary and the shared libraries it and ONNX Runtime load, imported with `docker import`.
 * No shell, no package manager: about the size of Node itself.
 */

const execFileAsync = promisify(execFile);
const RUNTIME_UID = 10001;

export interface MakeBaseOptions {
  tag?: string;
  force?: boolean;
  signal?: AbortSignal;
  onStep?: (step: string, index: number, total: number) => void;
}

export interface MakeBaseResult {
  reference: string;
  imageId: string;
  sizeBytes: number;
  nodeVersion: string;
  created: boolean;
}

/** The plain Node binary to copy: under Electron process.execPath is Electron itself, so look on PATH. */
export function findNodeBinary(): string {
  if (!process.versions.electron) return process.execPath;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'node');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return fs.realpathSync(candidate);
    } catch {
      // not here
    }
  }
  throw new ModelDockError({
    code: 'node-missing',
    title: 'Node.js is not installed',
    message: 'The offline base image is made from this machine\'s own Node.js, and none was found on PATH.',
    fix: 'Install Node.js 20 or newer, or build from an official Node base image instead.',
  });
}

/** Shared libraries a binary loads, as ldd resolves them on this machine. */
async function sharedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await execFileAsync('ldd', [binary]);
  const found: string[] = [];
  for (const line of stdout.split('\n')) {
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match) found.push(match[1]);
  }
  return found;
}

function fileEntry(name: string, hostPath: string, mode: number): TarEntry {
  const size = fs.statSync(hostPath).size;
  return { type: 'file', name, mode, source: { path: hostPath, size } };
}

/** The root file system's entries: directories, Node, the libraries, and a passwd naming the runtime's user. */
export async function offlineRootEntries(nodeBinary: string): Promise<TarEntry[]> {
  if (process.platform !== 'linux') {
    throw new ModelDockError({
      code: 'offline-base-linux-only',
      title: 'The offline base needs Linux',
      message: 'It is assembled from this machine\'s Linux Node binary and libraries; this machine runs ' + process.platform + '.',
      fix: 'Use an official Node base image (e.g. node:20-bookworm-slim), pulled once while online.',
    });
  }
  const libraries = new Set<string>();
  const ortDir = onnxRuntimeBinaryDir(process.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64');
  const binaries = [nodeBinary, ...fs.readdirSync(ortDir).filter((f) => /\.(so(\.\d+)*|node)$/.test(f)).map((f) => path.join(ortDir, f))];
  try {
    for (const binary of binaries) for (const lib of await sharedLibraries(binary)) {
      // ONNX Runtime's own library goes into the image with the runtime, not into the base.
      if (!lib.startsWith(ortDir)) libraries.add(lib);
    }
  } catch (error) {
    throw new ModelDockError({
      code: 'ldd-failed',
      title: 'Could not list Node\'s libraries',
      message: `ldd failed on this machine (${(error as Error).message.split('\n')[0]}).`,
      fix: 'Install libc-bin (it provides ldd), or use an official Node base image.',
    });
  }
  const dirs = new Set<string>(['etc', 'tmp', 'usr', 'usr/local', 'usr/local/bin', 'home', 'home/modeldock']);
  for (const lib of libraries) {
    const parts = path.dirname(lib).split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: TarEntry[] = [...dirs].sort().map((name) => ({ type: 'dir', name, mode: name === 'tmp' ? 0o1777 : 0o755 }));
  entries.push(fileEntry('usr/local/bin/node', nodeBinary, 0o755));
  for (const lib of [...libraries].sort()) entries.push(fileEntry(lib.slice(1), lib, 0o755));
  const text = (s: string): { data: Buffer } => ({ data: Buffer.from(s) });
  entries.push({ type: 'file', name: 'etc/passwd', source: text(`root:x:0:0:root:/root:/sbin/nologin\nmodeldock:x:${RUNTIME_UID}:${RUNTIME_UID}:ModelDock runtime:/home/modeldock:/sbin/nologin\n`) });
  entries.push({ type: 'file', name: 'etc/group', source: text(`root:x:0:\nmodeldock:x:${RUNTIME_UID}:\n`) });
  entries.push({ type: 'file', name: 'etc/nsswitch.conf', source: text('passwd: files\ngroup: files\nhosts: files dns\n') });
  return entries;
}

/** The imported image's id, from the last "sha256:..." status the engine sent ("" when it sent none). */
async function followImport(docker: Docker, stream: NodeJS.ReadableStream): Promise<string> {
  const output = await followDockerStream(docker, stream);
  const last = [...output].reverse().find((o) => typeof o.status === 'string' && o.status.startsWith('sha256:'));
  return last?.status ?? '';
}

/** Creates (or finds) the offline base image and checks that Node starts in it. */
export async function makeOfflineBase(docker: Docker, options: MakeBaseOptions = {}): Promise<MakeBaseResult> {
  const reference = options.tag ?? OFFLINE_BASE_IMAGE;
  const steps = ['Finding Node and its libraries', 'Importing the root file system into Docker', 'Checking that Node starts in it'];
  const step = (i: number) => options.onStep?.(steps[i], i, steps.length);
  const nodeBinary = findNodeBinary();
  const nodeVersion = (await execFileAsync(nodeBinary, ['--version'])).stdout.trim();
  const existing = await findImage(docker, reference);
  if (existing && !options.force) {
    return { reference, imageId: existing.Id, sizeBytes: existing.Size, nodeVersion, created: false };
  }
  step(0);
  const entries = await offlineRootEntries(nodeBinary);
  options.signal?.throwIfAborted();
  step(1);
  const [repo, tag] = splitReference(reference);
  let imageId: string;
  try {
    const stream = await docker.importImage(tarStream(entries) as unknown as string, {
      repo, tag,
      changes: [
        'ENV PATH=/usr/local/bin:/usr/bin:/bin',
        'ENV NODE_ENV=production',
        `LABEL ${MANAGED_LABEL}=true dev.modeldock.base=offline org.opencontainers.image.title="ModelDock offline Node base" org.opencontainers.image.version=${nodeVersion}`,
        'WORKDIR /',
        'CMD ["node"]',
      ],
      abortSignal: options.signal,
    } as unknown as object);
    imageId = await followImport(docker, stream);
  } catch (error) {
    throw dockerError(error, { action: 'import', image: reference });
  }
  step(2);
  await checkNodeRuns(docker, reference, nodeVersion);
  const info = await docker.getImage(reference).inspect();
  return { reference, imageId: imageId || info.Id, sizeBytes: info.Size, nodeVersion, created: true };
}

async function checkNodeRuns(docker: Docker, reference: string, nodeVersion: string): Promise<void> {
  const container = await docker.createContainer({
    Image: reference,
    Cmd: ['node', '-e', 'process.stdout.write(process.version)'],
    User: `${RUNTIME_UID}:${RUNTIME_UID}`,
    Labels: { [MANAGED_LABEL]: 'true' },
    HostConfig: { NetworkMode: 'none' },
  });
  try {
    await container.start();
    const result = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    if (result.StatusCode !== 0 || !logs.includes(nodeVersion)) {
      throw new ModelDockError({
        code: 'offline-base-broken',
        title: 'The offline base image does not start Node',
        message: `Node exited with code ${result.StatusCode} inside the new image.`,
        fix: 'This machine\'s Node may need libraries ldd did not list; use an official Node base image instead.',
        detail: logs.slice(-2000),
      });
    }
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}
