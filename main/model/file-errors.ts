import { ModelDockError } from '../../shared/errors';

/** A model path that cannot be opened: missing, or not readable by this user. */
export function fileAccessError(filePath: string, error: unknown): ModelDockError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new ModelDockError({
      code: 'model-not-found',
      title: 'Model file not found',
      message: `There is no file or folder at ${filePath}.`,
      fix: 'Check the path (it may have been moved or renamed), or open the model again with Browse.',
    });
  }
  return new ModelDockError({
    code: 'model-unreadable',
    title: 'Cannot read the model file',
    message: `${filePath} cannot be read (${code ?? 'unknown error'}).`,
    fix: code === 'EACCES' || code === 'EPERM' ? 'Give your user read permission on the file, or copy it somewhere you own.' : 'Check the file and try again.',
    detail: error instanceof Error ? error.message : String(error),
  });
}
