import { z } from 'zod';

/**
 * Errors cross every boundary as values: a stable code, a plain title, a sentence of cause and the next step.
 * The UI and the CLI print these; a stack trace never reaches a user (it stays in `detail`, behind a disclosure).
 */
export const ErrorInfoSchema = z.object({
  code: z.string(),
  title: z.string(),
  message: z.string(),
  fix: z.string().optional(),
  detail: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

export class ModelDockError extends Error {
  readonly code: string;
  readonly title: string;
  readonly fix?: string;
  readonly detail?: string;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'ModelDockError';
    this.code = info.code;
    this.title = info.title;
    this.fix = info.fix;
    this.detail = info.detail;
  }

  toInfo(): ErrorInfo {
    return { code: this.code, title: this.title, message: this.message, fix: this.fix, detail: this.detail };
  }
}

export function isModelDockError(value: unknown): value is ModelDockError {
  return value instanceof ModelDockError;
}

/** Anything thrown becomes an ErrorInfo; unexpected errors keep their text in `detail` only. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ModelDockError) return error.toInfo();
  if (error && typeof error === 'object' && 'code' in error && 'title' in error && 'message' in error) {
    const parsed = ErrorInfoSchema.safeParse(error);
    if (parsed.success) return parsed.data;
  }
  if (error && typeof error === 'object' && (error as { name?: string }).name === 'AbortError') {
    return { code: 'cancelled', title: 'Cancelled', message: 'The operation was cancelled.' };
  }
  const text = error instanceof Error ? error.message : String(error);
  return {
    code: 'internal',
    title: 'Something went wrong inside ModelDock',
    message: firstLine(text) || 'An unexpected error occurred.',
    fix: 'Try again; if it keeps happening, report it with the details below.',
    detail: error instanceof Error && error.stack ? error.stack : text,
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300);
}

export function cancelledError(): ModelDockError {
  return new ModelDockError({ code: 'cancelled', title: 'Cancelled', message: 'The operation was cancelled.' });
}
