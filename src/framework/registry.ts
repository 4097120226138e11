/**
 * Step 3 of the nine: implementations are registered under a vendor name and bound to an
 * application context. Binding checks the version and every function the mode needs.
 */
import { CtiError } from './errors/cti-error.js';
import type { Implementation } from './implementation.js';
import { missingFunctions } from './modes.js';
import type { ApplicationContext, TelephonyMode } from './schema/context.js';
import { checkVersion } from './version.js';

/** Throws one OPENCTI_NOT_IMPLEMENTED error naming every function the mode needs and lacks. */
export function checkImplementation(implementation: Implementation, mode: TelephonyMode): void {
  for (const key of ['name', 'implementationVersion', 'frameworkApi'] as const) {
    if (typeof implementation[key] !== 'string' || implementation[key].length === 0) {
      throw new CtiError('OPENCTI_NOT_IMPLEMENTED', `implementation must declare "${key}" as a non-empty string`);
    }
  }
  checkVersion(implementation);
  const missing = missingFunctions(mode, implementation);
  if (missing.length > 0) {
    throw new CtiError(
      'OPENCTI_NOT_IMPLEMENTED',
      `implementation "${implementation.name}" lacks what telephony mode "${mode}" needs: ${missing.join(', ')}`,
      { details: { missing, mode } },
    );
  }
}

export class ImplementationRegistry {
  readonly #byVendor = new Map<string, Implementation>();

  register(vendor: string, implementation: Implementation): void {
    if (this.#byVendor.has(vendor)) {
      throw new CtiError('OPENCTI_INVALID_CONFIG', `an implementation is already registered for vendor "${vendor}"`);
    }
    this.#byVendor.set(vendor, implementation);
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

/** Loads an implementation from a module: its default export, or `implementation`, or `createImplementation()`. */
export async function loadImplementation(modulePath: string): Promise<Implementation> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ modulePath)) as Record<string, unknown>;
  } catch (cause) {
    throw new CtiError('OPENCTI_INVALID_CONFIG', `cannot load implementation module "${modulePath}": ${(cause as Error).message}`, { cause });
  }
  const candidate = mod.default ?? mod.implementation ?? (typeof mod.createImplementation === 'function' ? await (mod.createImplementation as () => unknown)() : undefined);
  const resolved = typeof candidate === 'function' && !('login' in candidate) ? await (candidate as () => unknown)() : candidate;
  if (typeof resolved !== 'object' || resolved === null || typeof (resolved as { login?: unknown }).login !== 'function') {
    throw new CtiError('OPENCTI_INVALID_CONFIG', `module "${modulePath}" exports no implementation (expected a default export, "implementation" or "createImplementation")`);
  }
  return resolved as Implementation;
}
