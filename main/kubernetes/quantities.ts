/** Kubernetes resource quantities from the plain numbers the settings use. */

/** 0.5 -> "500m", 2 -> "2", 0.25 -> "250m". */
export function cpuQuantity(cores: number): string {
  const milli = Math.max(1, Math.round(cores * 1000));
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

export function memoryQuantity(mib: number): string {
  return `${Math.round(mib)}Mi`;
}

/** Reads "500m", "2", "1.5" as cores; null when it is not a CPU quantity. */
export function parseCpu(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(value.trim());
  if (!m) return null;
  return m[2] === 'm' ? Number(m[1]) / 1000 : Number(m[1]);
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

/** Reads "512Mi", "1Gi", "1000000" as bytes; null when it is not a memory quantity. */
export function parseMemoryBytes(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return null;
  const m = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value.trim());
  if (!m) return null;
  return Number(m[1]) * MEMORY_UNITS[m[2] ?? ''];
}
