import type { ImageBuildProgress } from '../../shared/schemas/docker';

/**
 * Reads the JSON messages of Docker's classic builder ({"stream": "Step 4/9 : COPY ..."}, " ---> Using cache",
 * {"aux": {"ID": ...}}, {"status": "Pulling ..."}, {"errorDetail": ...}) into progress events and a tally of
 * steps and cache hits. The overall fraction gives the context upload its share first, then one share per step.
 */

export interface BuildMessage {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { message?: string; code?: number };
}

/** Share of the bar for sending the context (the daemon reads all of it before the first step). */
const CONTEXT_SHARE = 0.15;
/** Share left at the end for reading the built image back. */
const INSPECT_SHARE = 0.03;

const STEP = /^Step (\d+)\/(\d+) : (.*)$/;

export class BuildProgressTracker {
  stepIndex: number | null = null;
  stepTotal: number | null = null;
  stepText: string | null = null;
  cachedSteps = 0;
  imageId: string | null = null;
  /** The builder said "Successfully built": the image exists (the tag follows). */
  finished = false;
  /** The first error message the build reported, with the whole message kept for the error's detail. */
  error: BuildMessage | null = null;
  readonly lines: string[] = [];
  /** Step results this build made itself (not taken from the cache), oldest first. */
  readonly createdImages: string[] = [];
  private currentCached = false;

  /** Progress while the context is being sent. */
  contextEvent(sentBytes: number, totalBytes: number): ImageBuildProgress {
    const f = totalBytes > 0 ? Math.min(1, sentBytes / totalBytes) : 1;
    return {
      phase: 'context', stepIndex: null, stepTotal: null, cached: false, line: null,
      stepText: `Sending the build context (${formatMB(sentBytes)} of ${formatMB(totalBytes)})`,
      fraction: f * CONTEXT_SHARE,
    };
  }

  inspectEvent(): ImageBuildProgress {
    return { ...this.base('inspect'), stepText: 'Reading the built image', line: null, fraction: 1 - INSPECT_SHARE };
  }

  doneEvent(): ImageBuildProgress {
    return { ...this.base('inspect'), stepText: 'Built', line: null, fraction: 1 };
  }

  /** The events one message from Docker produces (one per output line). */
  feed(message: BuildMessage): ImageBuildProgress[] {
    if (message.aux?.ID) this.imageId = message.aux.ID;
    if (message.error || message.errorDetail) {
      this.error ??= message;
      const text = message.errorDetail?.message ?? message.error ?? '';
      this.lines.push(text);
      return [{ ...this.base('build'), line: text }];
    }
    const events: ImageBuildProgress[] = [];
    if (typeof message.stream === 'string') {
      for (const raw of message.stream.split('\n')) {
        const line = raw.replace(/\r$/, '');
        if (!line.trim()) continue;
        this.lines.push(line);
        const step = STEP.exec(line);
        if (step) {
          this.stepIndex = Number(step[1]);
          this.stepTotal = Number(step[2]);
          this.stepText = `Step ${step[1]}/${step[2]}: ${step[3]}`;
          this.currentCached = false;
        } else if (/^Successfully built [0-9a-f]+$/.test(line)) {
          this.finished = true;
        } else if (/^\s*---> Using cache$/.test(line)) {
          this.currentCached = true;
          this.cachedSteps++;
        } else {
          const made = /^\s*---> ([0-9a-f]{12,64})$/.exec(line);
          if (made && !this.currentCached) this.createdImages.push(made[1]);
        }
        events.push({ ...this.base('build'), line });
      }
    } else if (typeof message.status === 'string') {
      // Pulling the base image: one line per layer update.
      const line = [message.id, message.status, message.progress].filter(Boolean).join(' ');
      this.lines.push(line);
      events.push({ ...this.base('build'), line });
    }
    return events;
  }

  private base(phase: ImageBuildProgress['phase']): Omit<ImageBuildProgress, 'line'> {
    const total = this.stepTotal ?? 0;
    const done = this.stepIndex ? this.stepIndex - 1 : 0;
    const stepsFraction = total > 0 ? done / total : 0;
    return {
      phase,
      stepIndex: this.stepIndex,
      stepTotal: this.stepTotal,
      stepText: this.stepText,
      cached: this.currentCached,
      fraction: CONTEXT_SHARE + (1 - CONTEXT_SHARE - INSPECT_SHARE) * stepsFraction,
    };
  }
}

function formatMB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
