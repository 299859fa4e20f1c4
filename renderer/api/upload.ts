import { ApiError } from './api-error';
import type { ErrorInfo } from '../../shared/errors';

/**
 * Web mode cannot see the user's disk path of a dropped file, so the bytes go to the engine, which stores them
 * in its data folder and answers with the path. XMLHttpRequest (not fetch) because it reports upload progress.
 */
export function uploadFile(file: File, onProgress?: (fraction: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/upload?name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON: handled below */ }
      if (xhr.status >= 200 && xhr.status < 300 && body && typeof (body as { path?: unknown }).path === 'string') {
        resolve((body as { path: string }).path);
        return;
      }
      const info = body && typeof body === 'object' && 'title' in body ? (body as ErrorInfo) : null;
      reject(new ApiError(info ?? {
        code: 'upload-failed',
        title: 'The file could not be sent to ModelDock',
        message: `Uploading ${file.name} failed (HTTP ${xhr.status}).`,
        fix: 'Try again, or type the file\'s path in Browse instead.',
      }));
    };
    xhr.onerror = () => reject(new ApiError({
      code: 'upload-failed',
      title: 'The file could not be sent to ModelDock',
      message: `Uploading ${file.name} was interrupted.`,
      fix: 'Check that `modeldock ui` is still running, then try again.',
    }));
    xhr.send(file);
  });
}
