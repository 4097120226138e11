/**
 * Calls one implementation function the way the host must see it: a sync throw counts as a
 * rejection, every rejection becomes a CtiError in the context's locale, and a request the
 * server never settles fails with OPENCTI_TIMEOUT (its late settlement is then ignored).
 */
import { CtiError, toCtiError, type MessageCatalog } from '../errors/cti-error.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Like toCtiError, but a CtiError made elsewhere is re-localized with this context's catalog. */
export function asCtiError(value: unknown, catalog: MessageCatalog): CtiError {
  if (value instanceof CtiError) {
    return new CtiError(value.errCode, value.errMessage, { catalog, details: value.details, cause: value });
  }
  return toCtiError(value, catalog);
}

export interface InvokeOptions {
  /** Named in the timeout message. */
  readonly request: string;
  readonly timeoutMs: number;
  readonly catalog: MessageCatalog;
  /** Aborting settles the request at once with `abortError()` (the session was disposed). */
  readonly signal?: AbortSignal | undefined;
  readonly abortError?: (() => CtiError) | undefined;
}

export function invoke(call: () => unknown, { request, timeoutMs, catalog, signal, abortError }: InvokeOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const cancelled = () => abortError?.() ?? new CtiError('OPENCTI_INVALID_ACTION', `${request} was cancelled`, { catalog });
    if (signal?.aborted) {
      reject(cancelled());
      return;
    }
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      globalThis.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => settle(() => reject(cancelled()));
    const timer = globalThis.setTimeout(
      () =>
        settle(() =>
          reject(
            new CtiError('OPENCTI_TIMEOUT', `${request} was not answered by the CTI server within ${timeoutMs} ms`, {
              catalog,
              details: { request, timeoutMs },
            }),
          ),
        ),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort);
    let pending: unknown;
    try {
      pending = call();
    } catch (error) {
      settle(() => reject(asCtiError(error, catalog)));
      return;
    }
    // Promise.resolve also adopts thenables and plain values from loosely written connectors.
    Promise.resolve(pending).then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(asCtiError(error, catalog))),
    );
  });
}
