import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type { Platform } from '../../shared/schemas/spec';

/** Where onnxruntime-node lives, and the native binaries for one Linux platform inside it. */
export function onnxRuntimePackageDir(): string {
  return path.dirname(require.resolve('onnxruntime-node/package.json'));
}

export function onnxRuntimeBinaryDir(platform: Platform): string {
  const arch = platform === 'linux/arm64' ? 'arm64' : 'x64';
  const dir = path.join(onnxRuntimePackageDir(), 'bin', 'napi-v6', 'linux', arch);
  if (!fs.existsSync(dir)) {
    throw new ModelDockError({
      code: 'onnxruntime-platform-missing',
      title: `ONNX Runtime has no binaries for ${platform}`,
      message: `The installed onnxruntime-node has no ${platform} build (looked in ${dir}).`,
      fix: 'Reinstall ModelDock\'s dependencies, or choose linux/amd64.',
    });
  }
  return dir;
}
