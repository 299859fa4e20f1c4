import * as fs from 'node:fs';

/**
 * The memory this container may use: cgroup v2 memory.max, else v1 memory.limit_in_bytes; null when unlimited or
 * unknown. What decoding images may take is sized against it (main/serving/image-decode-budget.ts).
 */
export function memoryLimitBytes(v2Path = '/sys/fs/cgroup/memory.max', v1Path = '/sys/fs/cgroup/memory/memory.limit_in_bytes'): number | null {
  for (const file of [v2Path, v1Path]) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8').trim();
    } catch {
      continue;
    }
    if (text === 'max') return null;
    const bytes = Number(text);
    // cgroup v1 says "unlimited" with a number near 2^63.
    if (Number.isFinite(bytes) && bytes > 0 && bytes < 2 ** 60) return bytes;
    return null;
  }
  return null;
}
