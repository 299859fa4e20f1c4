import type Docker from 'dockerode';
import { ModelDockError } from '../../shared/errors';
import type { ImageBuildProgress } from '../../shared/schemas/docker';
import type { BuildPlanDetail } from './build-plan';
import { BuildProgressTracker, type BuildMessage } from './build-progress';
import { dockerError } from './docker-errors';
import { tarStream } from './tar-stream';

/**
 * Sends the planned context to the engine's builder and follows its output. Cancelling aborts the HTTP request:
 * the daemon then stops the build and removes its intermediate containers (forcerm), and the tag is never
 * applied, so nothing half-built is left under the image's name.
 */

export interface BuildOptions {
  noCache: boolean;
  signal?: AbortSignal;
  onProgress?: (event: ImageBuildProgress) => void;
}

export interface BuildOutcome {
  imageId: string;
  sizeBytes: number;
  cachedSteps: number;
  totalSteps: number;
  buildMs: number;
  /** Every line the builder printed. */
  lines: string[];
}

export async function buildServingImage(docker: Docker, detail: BuildPlanDetail, options: BuildOptions): Promise<BuildOutcome> {
  const { plan } = detail;
  const started = Date.now();
  const tracker = new BuildProgressTracker();
  const emit = (event: ImageBuildProgress) => options.onProgress?.(event);
  const signal = options.signal;
  if (signal?.aborted) throw cancelled();

  let lastContextEvent = 0;
  const context = tarStream(detail.entries, (sent) => {
    const now = Date.now();
    if (now - lastContextEvent > 100) {
      lastContextEvent = now;
      emit(tracker.contextEvent(sent, plan.contextBytes));
    }
  });
  emit(tracker.contextEvent(0, plan.contextBytes));

  let output: NodeJS.ReadableStream;
  try {
    output = await docker.buildImage(context, {
      t: plan.reference,
      platform: plan.platform,
      nocache: options.noCache,
      rm: true,
      forcerm: true,
      pull: false,
      abortSignal: signal,
    });
  } catch (error) {
    context.destroy();
    if (signal?.aborted) throw cancelled();
    throw dockerError(error, { action: 'build', image: plan.base });
  }

  try {
    await followBuild(output, tracker, emit, signal);
    if (tracker.error) throw dockerError(tracker.error, { action: 'build', image: plan.base });
  } catch (error) {
    await removePartialBuild(docker, tracker.createdImages);
    throw error;
  }
  if (!tracker.finished && !tracker.imageId) {
    throw new ModelDockError({
      code: 'docker-build-failed',
      title: 'The build stopped before it finished',
      message: `Docker closed the build after ${tracker.stepText ?? 'sending the context'} without an image.`,
      fix: 'Build again; if it keeps stopping, check that Docker is running and has free disk space.',
      detail: tracker.lines.slice(-30).join('\n'),
    });
  }

  emit(tracker.inspectEvent());
  let info: Docker.ImageInspectInfo;
  try {
    info = await docker.getImage(tracker.imageId ?? plan.reference).inspect();
  } catch (error) {
    throw dockerError(error, { action: 'inspect', image: plan.reference });
  }
  emit(tracker.doneEvent());
  return {
    imageId: info.Id,
    sizeBytes: info.Size,
    cachedSteps: tracker.cachedSteps,
    totalSteps: tracker.stepTotal ?? 0,
    buildMs: Date.now() - started,
    lines: tracker.lines,
  };
}

/**
 * The step results a cancelled or failed build made. The classic builder takes the newest matching child from its
 * cache, so an unfinished chain left behind would make the next build miss the cache from where this one stopped
 * (and redo the ONNX Runtime and runtime layers). The daemon may still finish the step it was in after a cancel,
 * so untagged descendants of what we saw are removed too, leaves first. Best effort: Docker refuses to remove an
 * image another build has started to use, which is what we want.
 */
async function removePartialBuild(docker: Docker, created: string[]): Promise<void> {
  if (!created.length) return;
  await new Promise((resolve) => setTimeout(resolve, 300));
  let images: Docker.ImageInfo[] = [];
  try {
    images = await docker.listImages({ all: true });
  } catch {
    return;
  }
  const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
  const ours = new Set(created.map(short));
  const untagged = (i: Docker.ImageInfo) => !i.RepoTags || i.RepoTags.every((t) => t === '<none>:<none>');
  // Walk down from our step results: anything untagged built on them is this build's too.
  let grew = true;
  while (grew) {
    grew = false;
    for (const image of images) {
      if (!ours.has(short(image.Id)) && image.ParentId && ours.has(short(image.ParentId)) && untagged(image)) {
        ours.add(short(image.Id));
        grew = true;
      }
    }
  }
  const depth = (id: string): number => {
    const image = images.find((i) => short(i.Id) === id);
    return image?.ParentId && ours.has(short(image.ParentId)) ? 1 + depth(short(image.ParentId)) : 0;
  };
  for (const id of [...ours].sort((a, b) => depth(b) - depth(a))) {
    await docker.getImage(id).remove({ noprune: true }).catch(() => {});
  }
}

/** Reads the builder's newline-separated JSON messages until the stream ends, fails, or the signal aborts. */
function followBuild(
  stream: NodeJS.ReadableStream, tracker: BuildProgressTracker, emit: (e: ImageBuildProgress) => void, signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error); else resolve();
    };
    const onAbort = () => {
      (stream as unknown as { destroy?: () => void }).destroy?.();
      finish(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const handle = (text: string) => {
      if (!text.trim()) return;
      let message: BuildMessage;
      try {
        message = JSON.parse(text) as BuildMessage;
      } catch {
        message = { stream: text };
      }
      for (const event of tracker.feed(message)) emit(event);
    };
    stream.on('data', (chunk: Buffer | string) => {
      pending += chunk.toString();
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        // Docker ends each JSON message with "\r\n"; a "\n" inside a message is escaped.
        handle(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
    });
    stream.on('end', () => {
      handle(pending);
      finish();
    });
    stream.on('error', (error: unknown) => finish(signal?.aborted ? cancelled() : dockerError(error, { action: 'build' })));
    stream.on('close', () => {
      if (!settled) {
        handle(pending);
        finish(signal?.aborted ? cancelled() : undefined);
      }
    });
  });
}

function cancelled(): ModelDockError {
  return new ModelDockError({ code: 'cancelled', title: 'Build cancelled', message: 'The image build was cancelled; no image was tagged.' });
}
