import { spawnSync } from 'node:child_process';
import * as zlib from 'node:zlib';

/**
 * joblib.dump(..., compress=...) compresses the whole stream (pickle and array bytes). zlib and gzip decompress
 * with Node itself; xz, lzma, bz2 and lz4 need the system's own xz/bzip2/lz4 tools (decompressors only: they
 * never interpret the data), and without them the file cannot be scanned.
 */
export type Codec = 'zlib' | 'gzip' | 'xz' | 'lzma' | 'bz2' | 'lz4';

/** Decompressed output above this is treated as a decompression bomb. */
export const MAX_DECOMPRESSED_BYTES = 1536 * 1024 * 1024;

export function sniffCodec(head: Buffer): { codec: Codec; skip: number } | null {
  if (head.length >= 2 && head[0] === 0x78 && ((head[0] << 8) | head[1]) % 31 === 0) return { codec: 'zlib', skip: 0 };
  if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return { codec: 'gzip', skip: 0 };
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return { codec: 'xz', skip: 0 };
  if (head.length >= 4 && head.readUInt32LE(0) === 0x184d2204) return { codec: 'lz4', skip: 0 };
  if (head.length >= 4 && head.toString('latin1', 0, 3) === 'BZh' && head[3] >= 0x31 && head[3] <= 0x39) return { codec: 'bz2', skip: 0 };
  // lzma "alone": a properties byte (0x5d for the defaults joblib uses), a power-of-two-ish dictionary size, a length.
  if (head.length >= 13 && head[0] === 0x5d && isDictionarySize(head.readUInt32LE(1))) return { codec: 'lzma', skip: 0 };
  // joblib < 0.10: "ZF" + hex length + zlib data.
  if (head.length >= 4 && head.toString('latin1', 0, 2) === 'ZF') {
    const start = head.indexOf(0x78, 2);
    if (start > 0 && start < 40) return { codec: 'zlib', skip: start };
  }
  return null;
}

/** xz's dictionary sizes are 2^n or 2^n + 2^(n-1); a protocol 1 pickle starting with EMPTY_LIST is neither. */
function isDictionarySize(size: number): boolean {
  if (size < 4096 || size > 1 << 30) return false;
  const power = 2 ** Math.floor(Math.log2(size));
  return size === power || size === power + power / 2;
}

const TOOLS: Record<'xz' | 'lzma' | 'bz2' | 'lz4', { command: string; args: string[] }> = {
  xz: { command: 'xz', args: ['--decompress', '--stdout', '--format=xz'] },
  lzma: { command: 'xz', args: ['--decompress', '--stdout', '--format=lzma'] },
  bz2: { command: 'bzip2', args: ['--decompress', '--stdout'] },
  lz4: { command: 'lz4', args: ['-d', '-c'] },
};

/** The decompressed stream, or why it could not be decompressed. */
export function decompress(data: Buffer, codec: Codec): { data: Buffer } | { problem: string } {
  try {
    if (codec === 'zlib') return { data: zlib.inflateSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES }) };
    if (codec === 'gzip') return { data: zlib.gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES }) };
  } catch (error) {
    return { problem: `the ${codec} data is damaged or larger than ${MAX_DECOMPRESSED_BYTES / 1024 / 1024} MB once decompressed (${(error as Error).message})` };
  }
  const tool = TOOLS[codec];
  const run = spawnSync(tool.command, tool.args, { input: data, maxBuffer: MAX_DECOMPRESSED_BYTES, windowsHide: true, timeout: 120_000 });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      problem: missing
        ? `Node cannot decompress ${codec} by itself and the "${tool.command}" tool is not installed`
        : `decompressing ${codec} failed (${run.error.message})`,
    };
  }
  if (run.status !== 0) return { problem: `the ${codec} data is damaged (${tool.command}: ${run.stderr.toString().trim().split('\n')[0] || `exit ${run.status}`})` };
  return { data: run.stdout };
}
