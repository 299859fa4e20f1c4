import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { BuildRecordSchema, type BuildRecord, type LoadTestResult } from '../../shared/schemas/docker';

/**
 * The local history of built images (the model's versions), in <dataDir>/builds.json. Writes go to a temp file
 * renamed over the old one, so a crash never leaves half a file; a file that cannot be read as a history is moved
 * aside (builds.json.corrupt-<time>) with a warning and the history starts empty, never crashing the app.
 * Calls are serialised so a load test finishing during a build cannot lose either record.
 */

const FILE_NAME = 'builds.json';
/** Old builds beyond this are forgotten (the images themselves stay in Docker until removed). */
const MAX_RECORDS = 500;

const HistoryFileSchema = z.object({ version: z.literal(1), builds: z.array(BuildRecordSchema) });

export class BuildHistory {
  private readonly file: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly dataDir: string, private readonly warn: (message: string) => void = (m) => process.stderr.write(`warning: ${m}\n`)) {
    this.file = path.join(dataDir, FILE_NAME);
  }

  /** Newest first; only the builds of this model file when given. */
  list(modelPath?: string): Promise<BuildRecord[]> {
    return this.serial(() => {
      const builds = this.read();
      return modelPath ? builds.filter((b) => samePath(b.modelPath, modelPath)) : builds;
    });
  }

  /** By image id (full "sha256:...", or a short id of 12+ hex digits) or by "name:tag" (the newest build with it). */
  findByImage(imageIdOrReference: string): Promise<BuildRecord | null> {
    return this.serial(() => findIn(this.read(), imageIdOrReference));
  }

  add(record: BuildRecord): Promise<void> {
    return this.serial(() => {
      const rest = this.read().filter((b) => b.id !== record.id);
      this.write([record, ...rest]);
    });
  }

  addLoadTest(imageId: string, result: LoadTestResult): Promise<void> {
    return this.update(imageId, (b) => ({ ...b, loadTests: [...b.loadTests, result] }));
  }

  addPush(imageId: string, push: { reference: string; digest: string; at: string }): Promise<void> {
    return this.update(imageId, (b) => ({ ...b, pushes: [...b.pushes, push] }));
  }

  /**
   * Container start to ready, as the Run step measured it. The slowest start seen is kept: the Kubernetes startup
   * probe is sized from it, and a probe sized from a lucky fast start kills pods that start normally.
   */
  recordColdStart(imageId: string, readyMs: number): Promise<void> {
    return this.update(imageId, (b) => ({ ...b, coldStartMs: Math.max(b.coldStartMs ?? 0, Math.round(readyMs)) }));
  }

  /** Forgets every build of this image. */
  remove(imageId: string): Promise<void> {
    return this.serial(() => {
      const builds = this.read();
      const target = findIn(builds, imageId);
      if (!target) return;
      this.write(builds.filter((b) => b.imageId !== target.imageId));
    });
  }

  /** Applies a change to the newest build of the image (no-op when the image was not built here). */
  private update(imageId: string, change: (b: BuildRecord) => BuildRecord): Promise<void> {
    return this.serial(() => {
      const builds = this.read();
      const target = findIn(builds, imageId);
      if (!target) return;
      this.write(builds.map((b) => (b.id === target.id ? change(b) : b)));
    });
  }

  private serial<T>(work: () => T): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private read(): BuildRecord[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let parsed: z.SafeParseReturnType<unknown, z.infer<typeof HistoryFileSchema>>;
    try {
      parsed = HistoryFileSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = { success: false, error: new z.ZodError([]) };
    }
    if (parsed.success) return parsed.data.builds;
    const aside = `${this.file}.corrupt-${Date.now()}`;
    try {
      fs.renameSync(this.file, aside);
      this.warn(`the build history ${this.file} could not be read; it was moved to ${aside} and a new one started.`);
    } catch {
      this.warn(`the build history ${this.file} could not be read and could not be moved aside; it is ignored.`);
    }
    return [];
  }

  private write(builds: BuildRecord[]): void {
    fs.mkdirSync(this.dataDir, { recursive: true });
    const sorted = [...builds].sort((a, b) => b.builtAt.localeCompare(a.builtAt)).slice(0, MAX_RECORDS);
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify({ version: 1, builds: sorted }, null, 2)}\n`);
    fs.renameSync(tmp, this.file);
  }
}

function findIn(builds: BuildRecord[], key: string): BuildRecord | null {
  const bare = key.startsWith('sha256:') ? key.slice(7) : key;
  const isId = /^[0-9a-f]{12,64}$/.test(bare);
  const byId = isId ? builds.find((b) => b.imageId.replace(/^sha256:/, '').startsWith(bare)) : undefined;
  if (byId) return byId;
  const withTag = key.includes(':') && !key.startsWith('sha256:') ? key : `${key}:latest`;
  return builds.find((b) => b.reference === key || b.reference === withTag) ?? null;
}

function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}
