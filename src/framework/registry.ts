/**
 * Step 3 of the nine: implementations are registered under a vendor name and bound to an
 * application context. Registering takes a connector as it was written — a promise-style object,
 * a callback-style object, or a constructor with its functions on the prototype (as Pega's
 * OpenCTI guide writes them) — and adopts it; binding checks the version and every function the
 * mode needs.
 */
import { fromCallbackImplementation, type CallbackImplementation } from './compat/callback-adapter.js';
import { CtiError } from './errors/cti-error.js';
import type { Implementation } from './implementation.js';
import { missingFunctions } from './modes.js';
import { functionFor, REQUESTS } from './requests.js';
import type { ApplicationContext, TelephonyMode } from './schema/context.js';
import { checkVersion, FRAMEWORK_API_VERSION } from './version.js';

/** Throws one OPENCTI_NOT_IMPLEMENTED error naming every function the mode needs and lacks. */
export function checkImplementation(implementation: Implementation, mode: TelephonyMode): void {
  checkIdentity(implementation);
  const missing = missingFunctions(mode, implementation);
  if (missing.length > 0) {
    throw new CtiError(
      'OPENCTI_NOT_IMPLEMENTED',
      `implementation "${implementation.name}" lacks what telephony mode "${mode}" needs: ${missing.join(', ')}`,
      { details: { missing, mode } },
    );
  }
}

/** name and implementationVersion are non-empty strings; frameworkApi, when given, too; the API range fits. */
function checkIdentity(implementation: object): void {
  const info = implementation as Record<string, unknown>;
  for (const key of ['name', 'implementationVersion', 'frameworkApi'] as const) {
    if (key === 'frameworkApi' && info[key] === undefined) continue; // absent: the current API
    const value = info[key];
    if (typeof value !== 'string' || value.length === 0) {
      throw new CtiError('OPENCTI_NOT_IMPLEMENTED', `implementation must declare "${key}" as a non-empty string`);
    }
  }
  checkVersion(implementation as Implementation);
}

/** Where the framework's log lines go: `console` by default, else any object with one of these. */
export interface ImplementationLogger {
  warn?(message: string): void;
  info?(message: string): void;
  log?(message: string): void;
}

export interface ImplementationRegistryOptions {
  /** Receives warnings about implementations that have no `getLogger()` of their own. Default: console. */
  readonly logger?: ImplementationLogger | undefined;
}

/** What register() did with the implementation it was given. */
export interface Registration {
  readonly vendor: string;
  /** The promise-style implementation the sessions use. */
  readonly implementation: Implementation;
  /** `callback` when its functions take `success, failure` and were wrapped by the callback adapter. */
  readonly style: 'promise' | 'callback';
  /** What was accepted but worth saying (e.g. no frameworkApi); each was also logged. */
  readonly warnings: readonly string[];
}

/** Anything register() accepts: an implementation object of either style, or a constructor of one. */
export type ImplementationSource = Implementation | CallbackImplementation | object;

export class ImplementationRegistry {
  readonly #byVendor = new Map<string, Implementation>();
  readonly #logger: ImplementationLogger;

  constructor(options: ImplementationRegistryOptions = {}) {
    this.#logger = options.logger ?? console;
  }

  /**
   * Registers an implementation under a vendor name. A constructor is instantiated (`new`, no
   * arguments); a callback-style object is wrapped with the callback adapter; functions found
   * under an alias of their request (requests.ts) are offered under the request's name.
   * Refuses, naming what is wrong, a duplicate vendor, something that is no implementation, an
   * empty name or implementationVersion, and an incompatible frameworkApi. Whether the functions
   * cover a mode is checked when a context binds it (resolve).
   */
  register(vendor: string, source: ImplementationSource): Registration {
    if (this.#byVendor.has(vendor)) {
      throw new CtiError('OPENCTI_INVALID_CONFIG', `an implementation is already registered for vendor "${vendor}"`);
    }
    const instance = instantiate(vendor, source);
    checkIdentity(instance);
    const logger = loggerOf(instance) ?? this.#logger;
    const name = (instance as { name: string }).name;
    const warnings: string[] = [];
    const warn = (message: string) => {
      warnings.push(message);
      write(logger, message);
    };
    if ((instance as { frameworkApi?: unknown }).frameworkApi === undefined) {
      warn(`implementation "${name}" declares no frameworkApi; it is taken as written for the current framework API ${FRAMEWORK_API_VERSION}`);
    }
    const { implementation, style } = adapt(instance, logger);
    this.#byVendor.set(vendor, implementation);
    return Object.freeze({ vendor, implementation, style, warnings: Object.freeze(warnings) });
  }

  has(vendor: string): boolean {
    return this.#byVendor.has(vendor);
  }

  vendors(): string[] {
    return [...this.#byVendor.keys()];
  }

  /** The implementation for the context's vendor, checked against the context's mode. */
  resolve(context: Pick<ApplicationContext, 'implementation' | 'telephonyMode'>): Implementation {
    const { vendor } = context.implementation;
    const implementation = this.#byVendor.get(vendor);
    if (!implementation) {
      const known = this.vendors();
      throw new CtiError(
        'OPENCTI_INVALID_CONFIG',
        `no implementation is registered for vendor "${vendor}"${known.length ? ` (registered: ${known.join(', ')})` : ''}`,
      );
    }
    checkImplementation(implementation, context.telephonyMode);
    return implementation;
  }
}

/**
 * The promise-style implementation for an object of either style: a callback-style one wrapped
 * by the callback adapter, one spelling requests by an alias offered under the request's name.
 * A Session given an implementation directly uses this, so a Pega-style object works there too.
 */
export function adapt(instance: object, logger: ImplementationLogger = loggerOf(instance) ?? console): { implementation: Implementation; style: Registration['style'] } {
  if (callbackFunctions(instance).length === 0) return { implementation: withCanonicalNames(instance as Implementation), style: 'promise' };
  const name = String((instance as { name?: unknown }).name);
  const implementation = fromCallbackImplementation(instance as CallbackImplementation, {
    onLateCallback: (request, callback) => write(logger, `implementation "${name}" called ${callback} for ${request} after the request had settled; ignored`),
  });
  return { implementation, style: 'callback' };
}

/** The object itself, or a new instance when given a constructor. */
function instantiate(vendor: string, source: unknown): object {
  if (typeof source === 'function') {
    let instance: unknown;
    try {
      instance = Reflect.construct(source, []);
    } catch (cause) {
      throw new CtiError('OPENCTI_INVALID_CONFIG', `the implementation constructor for vendor "${vendor}" failed: ${(cause as Error).message}`, { cause });
    }
    return instance as object;
  }
  if (typeof source !== 'object' || source === null) {
    throw new CtiError('OPENCTI_INVALID_CONFIG', `the implementation for vendor "${vendor}" must be an object or a constructor, not ${source === null ? 'null' : typeof source}`);
  }
  return source;
}

/**
 * The requests whose function takes `success, failure`: it declares more parameters than the
 * promise style has (requests.ts: after `options` come the callbacks, then login's forwardEvent).
 * A function declared with rest parameters (`...args`) counts as promise style.
 */
export function callbackFunctions(implementation: object): string[] {
  return REQUESTS.filter((spec) => {
    const fn = functionFor(implementation, spec);
    return fn !== undefined && fn.length > spec.params.length;
  }).map((spec) => spec.name);
}

/** The promise-style object itself, or (when it spells a request by an alias) a view that also has the request's name. */
function withCanonicalNames(implementation: Implementation): Implementation {
  const own = implementation as unknown as Record<string, unknown>;
  const aliased = REQUESTS.filter((spec) => typeof own[spec.name] !== 'function' && functionFor(implementation, spec) !== undefined);
  if (aliased.length === 0) return implementation;
  const view = Object.create(implementation) as Record<string, unknown>;
  for (const spec of aliased) {
    const fn = functionFor(implementation, spec) as (...args: unknown[]) => unknown;
    view[spec.name] = (...args: unknown[]) => fn.apply(implementation, args);
  }
  return view as unknown as Implementation;
}

/** The implementation's own logger (`getLogger()`), when it has one that can write. */
function loggerOf(instance: object): ImplementationLogger | undefined {
  const getLogger = (instance as { getLogger?: unknown }).getLogger;
  if (typeof getLogger !== 'function') return undefined;
  let logger: unknown;
  try {
    logger = (getLogger as () => unknown).call(instance);
  } catch {
    return undefined;
  }
  const candidate = logger as ImplementationLogger | undefined;
  return candidate && ['warn', 'info', 'log'].some((method) => typeof (candidate as Record<string, unknown>)[method] === 'function') ? candidate : undefined;
}

function write(logger: ImplementationLogger, message: string): void {
  if (typeof logger.warn === 'function') logger.warn(message);
  else if (typeof logger.info === 'function') logger.info(message);
  else logger.log?.(message);
}

/** A function exported as a class or a Pega-style constructor: its prototype has `login`. */
const isConstructor = (candidate: unknown): candidate is new () => unknown =>
  typeof candidate === 'function' && typeof (candidate.prototype as { login?: unknown } | undefined)?.login === 'function';

/**
 * Loads an implementation from a module: its default export, or `implementation`, or
 * `createImplementation()`. An exported constructor (login on its prototype) is instantiated.
 */
export async function loadImplementation(modulePath: string): Promise<Implementation> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ modulePath)) as Record<string, unknown>;
  } catch (cause) {
    throw new CtiError('OPENCTI_INVALID_CONFIG', `cannot load implementation module "${modulePath}": ${(cause as Error).message}`, { cause });
  }
  const candidate = mod.default ?? mod.implementation ?? (typeof mod.createImplementation === 'function' ? await (mod.createImplementation as () => unknown)() : undefined);
  const resolved = isConstructor(candidate)
    ? new candidate()
    : typeof candidate === 'function' && !('login' in candidate)
      ? await (candidate as () => unknown)()
      : candidate;
  if (typeof resolved !== 'object' || resolved === null || typeof (resolved as { login?: unknown }).login !== 'function') {
    throw new CtiError('OPENCTI_INVALID_CONFIG', `module "${modulePath}" exports no implementation (expected a default export, "implementation" or "createImplementation")`);
  }
  return resolved as Implementation;
}
