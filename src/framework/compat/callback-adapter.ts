/**
 * Implementations written in the original OpenCTI callback style keep working unchanged (SPEC §5):
 * each request is `fn(...params, options, success, failure)` and login is
 * `login(agentId, agentPwd, extension, linkDefinition, options, success, failure, forwardEvent)`.
 * `fromCallbackImplementation` wraps such an object into the promise-style `Implementation`.
 */
import type { ForwardEvent, Implementation, ImplementationInfo, LinkDefinition, RequestName, RequestOptions } from '../implementation.js';
import { callbackLayout, functionFor, REQUESTS } from '../requests.js';

export type SuccessCallback = (result?: unknown) => void;
/** Called with the OpenCTI error object `{ errCode, errMessage }` (or whatever the connector has). */
export type FailureCallback = (error?: unknown) => void;

/** login in the original style: forwardEvent comes last, after the callbacks. */
export type CallbackLogin = (
  agentId: string,
  agentPwd: string,
  extension: string,
  linkDefinition: LinkDefinition,
  options: RequestOptions,
  success: SuccessCallback,
  failure: FailureCallback,
  forwardEvent: ForwardEvent,
) => unknown;

/** Any request in the original style: its parameters, then `options, success, failure`. */
export type CallbackRequest = (...args: never[]) => unknown;

/**
 * The shape of an implementation written in the original callback style: its identity and
 * whichever request functions it has (see CALLBACK_ARITY for each one's parameters).
 */
export type CallbackImplementation = ImplementationInfo & { readonly [K in RequestName]?: CallbackRequest };

/**
 * How many parameters, options included, each request takes before `success, failure`
 * (from the parameters declared in requests.ts).
 * Calls are padded or cut to this count so the callbacks always land in their positions.
 */
export const CALLBACK_ARITY: Readonly<Record<RequestName, number>> = Object.fromEntries(
  REQUESTS.map((spec) => [spec.name, callbackLayout(spec).arity]),
) as Record<RequestName, number>;

/** How many parameters follow the callbacks (login's forwardEvent). */
const TRAILING: Readonly<Record<RequestName, number>> = Object.fromEntries(
  REQUESTS.map((spec) => [spec.name, callbackLayout(spec).trailing]),
) as Record<RequestName, number>;

export interface CallbackAdapterOptions {
  /**
   * Told when a connector calls `success` or `failure` after the request already settled
   * (the late call is otherwise ignored), e.g. to log a connector bug.
   */
  onLateCallback?: (request: RequestName, callback: 'success' | 'failure', value: unknown) => void;
}

/** The error used when a connector calls `failure()` with nothing. */
const emptyFailure = (request: RequestName) => ({
  errCode: 'OPENCTI_CF_GENERIC_OPERATION',
  errMessage: `${request} failed without an error object`,
});

function settleOnce(request: RequestName, options: CallbackAdapterOptions) {
  let settled = false;
  let resolve!: (value: unknown) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const guard =
    (callback: 'success' | 'failure', settle: (value: unknown) => void) =>
    (value?: unknown): void => {
      if (settled) {
        options.onLateCallback?.(request, callback, value);
        return;
      }
      settled = true;
      settle(value);
    };
  const success: SuccessCallback = guard('success', resolve);
  const failure: FailureCallback = guard('failure', (error) => reject(error ?? emptyFailure(request)));
  return { promise, success, failure, isSettled: () => settled };
}

/** Positions the promise-style arguments so that the callbacks follow at the original arity. */
function positioned(args: readonly unknown[], arity: number): unknown[] {
  const out = args.slice(0, arity);
  while (out.length < arity) out.push(undefined);
  return out;
}

function wrapRequest(
  original: CallbackImplementation,
  request: RequestName,
  fn: (...args: unknown[]) => unknown,
  options: CallbackAdapterOptions,
): (...args: unknown[]) => Promise<unknown> {
  const arity = CALLBACK_ARITY[request];
  return (...args: unknown[]) => {
    const { promise, success, failure, isSettled } = settleOnce(request, options);
    const params = positioned(args, arity);
    // login's promise-style signature ends with forwardEvent; the original takes it last, after the callbacks.
    const trailing = positioned(args.slice(arity), TRAILING[request]);
    try {
      fn.call(original, ...params, success, failure, ...trailing);
    } catch (error) {
      if (isSettled()) options.onLateCallback?.(request, 'failure', error);
      else failure(error ?? emptyFailure(request));
    }
    return promise;
  };
}

/**
 * Wraps a callback-style implementation. The wrapper has exactly the request functions the
 * original has (spelled as in the table, also when the original uses one of the request's
 * aliases), so the registry still names every function the original lacks.
 * `success(result)` resolves with `result`; `failure(error)` rejects with `error` as given (the
 * session turns it into a CtiError); a second callback is ignored; a function that throws rejects.
 */
export function fromCallbackImplementation(original: CallbackImplementation, options: CallbackAdapterOptions = {}): Implementation {
  const wrapper: Record<string, unknown> = {
    name: original.name,
    implementationVersion: original.implementationVersion,
    frameworkApi: original.frameworkApi,
  };
  for (const spec of REQUESTS) {
    // Found under its name or one of its aliases; the wrapper always offers it under its name.
    const fn = functionFor(original, spec);
    if (fn) wrapper[spec.name] = wrapRequest(original, spec.name, fn as (...args: unknown[]) => unknown, options);
  }
  return Object.freeze(wrapper) as unknown as Implementation;
}
