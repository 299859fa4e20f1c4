/** Types for third-party-notices.mjs (the build script is plain JavaScript; the tests import it). */
export function bundledPackages(metafile: { inputs: Record<string, unknown> }, root: string): string[];
export function writeNotices(packageDirs: string[], outFile: string, title: string): string[];
