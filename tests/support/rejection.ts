import assert from 'node:assert/strict';
import { isModelDockError, type ModelDockError } from '../../shared/errors';

/** Awaits a promise that must reject with a ModelDockError, and returns that error for its code and message. */
export async function rejection(promise: Promise<unknown>): Promise<ModelDockError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isModelDockError(error), `expected a ModelDockError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}
