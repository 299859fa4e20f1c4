import { isModelDockError } from '../../../shared/errors';

/**
 * A request the server refuses, with the status and the sentence the client gets as {"error": "..."}. Anything
 * else thrown while handling a request is a server fault (500) and is logged with its cause.
 */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);

/** ModelDockError from the shared codecs (bad value, ragged list, wrong shape) is the client's mistake: 400. */
export function asHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (isModelDockError(error)) {
    const status = error.code === 'image-too-large' ? 413 : 400;
    return new HttpError(status, error.message);
  }
  return null;
}
