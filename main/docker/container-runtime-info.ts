import * as path from 'node:path';
import type Docker from 'dockerode';
import type { Dim } from '../../shared/schemas/tensor';
import { fromV2Datatype } from '../../shared/v2-datatypes';
import type { IoMeta } from '../inference/worker-protocol';

/**
 * What the app needs to know about the model a container serves, read from the container itself (so it works for
 * an image pulled from a registry as well as one built here): the API name and inputs from the running server,
 * the class names and grace period from the runtime config inside the image.
 */

export interface RuntimeConfigFacts {
  labels: string[] | null;
  gracePeriodSeconds: number | null;
  modelName: string | null;
}

const DEFAULT_GRACE_SECONDS = 20;

/** The `--config FILE` (or MODELDOCK_CONFIG) the container's command names, as an absolute path inside it. */
export function configPathOf(info: Docker.ContainerInspectInfo): string | null {
  const command = [...(info.Config.Entrypoint ? [info.Config.Entrypoint].flat() : []), ...(info.Config.Cmd ?? [])];
  let found: string | null = null;
  for (let i = 0; i < command.length; i++) {
    if (command[i] === '--config' && command[i + 1]) found = command[i + 1];
    else if (command[i].startsWith('--config=')) found = command[i].slice('--config='.length);
  }
  found ??= envOf(info).MODELDOCK_CONFIG ?? null;
  if (!found) return null;
  return path.posix.isAbsolute(found) ? found : path.posix.join(info.Config.WorkingDir || '/', found);
}

export function envOf(info: Docker.ContainerInspectInfo): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of info.Config.Env ?? []) {
    const eq = item.indexOf('=');
    if (eq > 0) env[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return env;
}

/** The first regular file in a tar archive (what the engine's archive endpoint returns for one file). */
export function firstFileInTar(archive: Buffer): Buffer | null {
  let offset = 0;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return null;
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    const start = offset + 512;
    if (type === '0' || type === '\0') return archive.subarray(start, start + size);
    offset = start + Math.ceil(size / 512) * 512;
  }
  return null;
}

async function readAll(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.length;
    if (total > maxBytes) break;
  }
  return Buffer.concat(chunks);
}

/** Class names, grace period and API name from the runtime config in the container; nulls when it has none. */
export async function readRuntimeConfigFacts(container: Docker.Container, info: Docker.ContainerInspectInfo): Promise<RuntimeConfigFacts> {
  const env = envOf(info);
  const envGrace = env.MODELDOCK_GRACE_SECONDS !== undefined ? Number(env.MODELDOCK_GRACE_SECONDS) : NaN;
  const facts: RuntimeConfigFacts = { labels: null, gracePeriodSeconds: Number.isFinite(envGrace) ? envGrace : null, modelName: null };
  const configPath = configPathOf(info);
  if (!configPath) return facts;
  try {
    const archive = await readAll((await container.getArchive({ path: configPath })) as unknown as NodeJS.ReadableStream, 4 * 1024 * 1024);
    const file = firstFileInTar(archive);
    if (!file) return facts;
    const config = JSON.parse(file.toString('utf8')) as { labels?: unknown; model?: { name?: unknown }; serving?: { gracePeriodSeconds?: unknown } };
    if (Array.isArray(config.labels) && config.labels.every((l) => typeof l === 'string')) facts.labels = config.labels as string[];
    if (typeof config.model?.name === 'string') facts.modelName = config.model.name;
    if (facts.gracePeriodSeconds === null && typeof config.serving?.gracePeriodSeconds === 'number') {
      facts.gracePeriodSeconds = config.serving.gracePeriodSeconds;
    }
  } catch {
    // A foreign or unusual image: the app still works, without class names and with the default grace period.
  }
  return facts;
}

export function graceSecondsOf(facts: RuntimeConfigFacts | null): number {
  return facts?.gracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
}

/** The model's API name as the server answers it (GET /v1/models). */
export async function servedModelName(baseUrl: string): Promise<string | null> {
  try {
    const response = await fetch(`${baseUrl}/v1/models`, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) return null;
    const body = (await response.json()) as { models?: unknown };
    return Array.isArray(body.models) && typeof body.models[0] === 'string' ? body.models[0] : null;
  } catch {
    return null;
  }
}

/** The model's inputs from the server's V2 metadata (dynamic dimensions come back as -1: named "batch" etc.). */
export async function servedModelInputs(baseUrl: string, modelName: string): Promise<IoMeta[]> {
  const response = await fetch(`${baseUrl}/v2/models/${encodeURIComponent(modelName)}`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET /v2/models/${modelName} answered HTTP ${response.status}`);
  const body = (await response.json()) as { inputs?: Array<{ name?: unknown; datatype?: unknown; shape?: unknown }> };
  return (body.inputs ?? []).map((input) => {
    const shape = Array.isArray(input.shape) ? (input.shape as number[]) : [];
    const dims: Dim[] = shape.map((d, i) => (typeof d === 'number' && d >= 0 ? d : i === 0 ? 'batch' : `d${i}`));
    return {
      name: String(input.name ?? 'input'),
      isTensor: true,
      elementType: typeof input.datatype === 'string' ? fromV2Datatype(input.datatype) : null,
      dims,
    };
  });
}
