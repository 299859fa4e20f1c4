import * as fs from 'node:fs';
import type { z } from 'zod';
import { ModelDockError, type ErrorInfo } from '../../shared/errors';

/**
 * Reads a JSON file the user handed over and checks it against a schema. The caller words both failures: a file that
 * cannot be read or parsed (`unreadable`, given the errno code, undefined for bad JSON, and the parse message) and
 * one that does not fit (`invalid`, given "key.path: message" of the first problem).
 */
export interface JsonFileWords {
  unreadable(code: string | undefined, detail: string): ErrorInfo;
  invalid(problem: string): ErrorInfo;
}

export function readJsonFile<S extends z.ZodTypeAny>(file: string, schema: S, words: JsonFileWords): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelDockError(words.unreadable((error as NodeJS.ErrnoException).code, error instanceof Error ? error.message : String(error)));
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ModelDockError(words.invalid(`${first.path.join('.') || '(root)'}: ${first.message}`));
  }
  return parsed.data;
}
