/** Words for whatever a connector or driver rejects with, so no refusal shows an empty detail. */
import { isCtiError } from '../framework/errors/cti-error.js';

export function describeError(error: unknown): string {
  if (isCtiError(error)) return `${error.errCode}: ${error.errMessage}`;
  if (typeof error === 'object' && error !== null && 'errCode' in error) {
    // The contract's plain { errCode, errMessage } (docs/spec.md §6), as a callback connector's
    // failure() gives it, or a vendor's Error subclass carrying the two.
    const { errCode, errMessage } = error as { errCode: unknown; errMessage?: unknown };
    const fallback = error instanceof Error && error.message ? error.message : `(no errMessage; got ${JSON.stringify(errMessage)})`;
    const message = typeof errMessage === 'string' && errMessage ? errMessage : fallback;
    return `${typeof errCode === 'string' ? errCode : JSON.stringify(errCode)}: ${message}`;
  }
  if (error instanceof Error) return error.message || `${error.name} without a message`;
  if (error === undefined) return 'rejected with undefined';
  try {
    return `rejected with ${JSON.stringify(error)}`;
  } catch {
    return `rejected with ${String(error)}`;
  }
}
