import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Where a model came from, for the OCI labels "source" and "revision": the git repository the model (or its spec)
 * sits in, read straight from .git (no git binary needed). Credentials embedded in a remote URL
 * (https://user:token@host/...) are stripped: labels travel with the image to every registry.
 */
export interface ImageSource {
  source: string | null;
  revision: string | null;
}

export function findImageSource(startDir: string): ImageSource {
  const gitDir = findGitDir(startDir);
  if (!gitDir) return { source: null, revision: null };
  return { source: originUrl(gitDir), revision: headRevision(gitDir) };
}

function findGitDir(startDir: string): string | null {
  let dir = path.resolve(startDir);
  for (let i = 0; i < 40; i++) {
    const candidate = path.join(dir, '.git');
    try {
      const stat = fs.statSync(candidate);
      if (stat.isDirectory()) return candidate;
      // A worktree or submodule: ".git" is a file "gitdir: <path>".
      const match = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(candidate, 'utf8'));
      if (match) return path.resolve(dir, match[1].trim());
    } catch {
      // not here
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
  return null;
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function originUrl(gitDir: string): string | null {
  const config = readText(path.join(gitDir, 'config')) ?? readText(path.join(gitDir, '..', '..', 'config'));
  if (!config) return null;
  const section = /\[remote "origin"\]([^[]*)/.exec(config);
  const url = section ? /^\s*url\s*=\s*(.+)$/m.exec(section[1])?.[1].trim() : undefined;
  return url ? withoutCredentials(url) : null;
}

export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

function headRevision(gitDir: string): string | null {
  const head = readText(path.join(gitDir, 'HEAD'))?.trim();
  if (!head) return null;
  if (/^[0-9a-f]{40,64}$/.test(head)) return head;
  const ref = /^ref:\s*(.+)$/.exec(head)?.[1];
  if (!ref) return null;
  const loose = readText(path.join(gitDir, ref))?.trim();
  if (loose && /^[0-9a-f]{40,64}$/.test(loose)) return loose;
  const packed = readText(path.join(gitDir, 'packed-refs')) ?? '';
  const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
  return line ? line.split(' ')[0] : null;
}
