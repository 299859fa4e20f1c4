import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Uploads are copies: the original stays on the user's own machine. So a folder under <dataDir>/uploads can go once
 * nothing points at it and nothing in it changed for a while. Kept: any folder holding a path the app still refers
 * to (a recent model, a built version's model or spec), and any folder with a file written in the last
 * `maxAgeDays` (a spec the user edited there counts as use). Everything else is removed, so a week of dropping
 * gigabyte models into the browser does not fill the disk.
 */
export const UPLOAD_MAX_AGE_DAYS = 14;

export interface PruneResult {
  removed: string[];
  freedBytes: number;
  kept: number;
}

export function pruneUploads(dataDir: string, referencedPaths: Iterable<string>, options: { maxAgeDays?: number; now?: number } = {}): PruneResult {
  const root = path.join(dataDir, 'uploads');
  const result: PruneResult = { removed: [], freedBytes: 0, kept: 0 };
  let folders: fs.Dirent[];
  try {
    folders = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return result;
  }
  const cutoff = (options.now ?? Date.now()) - (options.maxAgeDays ?? UPLOAD_MAX_AGE_DAYS) * 86_400_000;
  const referenced = [...referencedPaths].map((p) => path.resolve(p));
  for (const folder of folders) {
    if (!folder.isDirectory()) continue;
    const dir = path.join(root, folder.name);
    const inUse = referenced.some((p) => p === dir || p.startsWith(dir + path.sep));
    const usage = folderUsage(dir);
    if (inUse || !usage || usage.newestMs >= cutoff) {
      result.kept++;
      continue;
    }
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      result.removed.push(dir);
      result.freedBytes += usage.bytes;
    } catch {
      // Another process holding a file open on some systems, or permissions: try again next start.
      result.kept++;
    }
  }
  return result;
}

/** Total size and newest modification time under `dir`; null when it cannot be read (left alone). */
function folderUsage(dir: string): { bytes: number; newestMs: number } | null {
  try {
    let bytes = 0;
    let newestMs = fs.statSync(dir).mtimeMs;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
      const stat = fs.lstatSync(path.join(entry.parentPath ?? entry.path, entry.name));
      newestMs = Math.max(newestMs, stat.mtimeMs);
      if (stat.isFile()) bytes += stat.size;
    }
    return { bytes, newestMs };
  } catch {
    return null;
  }
}

/** The paths the app still refers to: recent models and every built version's model and spec. */
export async function referencedPaths(services: { recent: { list(): Array<{ path: string }> }; builds: { list(): Promise<Array<{ modelPath: string; specPath?: string | null }>> } }): Promise<string[]> {
  const builds = await services.builds.list().catch(() => []);
  return [
    ...services.recent.list().map((r) => r.path),
    ...builds.flatMap((b) => [b.modelPath, b.specPath ?? '']).filter(Boolean),
  ];
}
