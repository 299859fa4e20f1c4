import type { ErrorInfo } from '../../shared/errors';

/** What a failed call throws in the renderer: the engine's ErrorInfo, unchanged, as an Error. */
export class ApiError extends Error {
  readonly info: ErrorInfo;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'ApiError';
    this.info = info;
  }

  get code(): string {
    return this.info.code;
  }
}

export function lostConnectionInfo(): ErrorInfo {
  return {
    code: 'connection-lost',
    title: 'Lost connection to the ModelDock engine',
    message: 'The page could not reach the ModelDock engine, so this action did not finish.',
    fix: 'Check that `modeldock ui` is still running in your terminal; the page reconnects by itself when it is.',
  };
}

/** Anything caught in a screen becomes an ErrorInfo to show in a banner. */
export function errorInfoOf(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return error.info;
  const text = error instanceof Error ? error.message : String(error);
  return {
    code: 'ui-error',
    title: 'Something went wrong in the window',
    message: text.split('\n')[0] || 'An unexpected error occurred.',
    fix: 'Try again; reloading the page keeps your models on disk untouched.',
  };
}

export function isCancelled(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'cancelled';
}
