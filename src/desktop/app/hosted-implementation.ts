/**
 * Binds the desktop to the implementation a vendor's script registered in the pega namespace
 * (pega.cti.desktopApi.<Vendor>): instantiated once, registered through ImplementationRegistry as
 * any connector is (callback style, Pega spellings and all), and published as pega.cti.API.
 */
import { CtiError } from '../../framework/errors/cti-error.js';
import { ImplementationRegistry, type Registration } from '../../framework/registry.js';
import type { PegaNamespace } from '../../pega/namespace.js';

/** The page's pega namespace, installed by assets/pega.js before the vendor's scripts. */
export function pageNamespace(): PegaNamespace | undefined {
  return (globalThis as { pega?: PegaNamespace }).pega;
}

/** Where the vendor's registration is looked up, by variant. */
export const apiName = (variant: 'desktop' | 'embedded') => (variant === 'embedded' ? 'embeddedApi' : 'desktopApi');

/** The vendor's constructor (or object) from pega.cti, or a clear error naming what is missing. */
export function vendorSource(vendor: string, variant: 'desktop' | 'embedded'): unknown {
  const pega = pageNamespace();
  if (!pega?.cti) throw new CtiError('OPENCTI_INVALID_CONFIG', 'the pega namespace is not on this page: assets/pega.js did not load before the vendor scripts');
  const api = apiName(variant);
  const source = (pega.cti[api] as Record<string, unknown>)[vendor];
  if (source === undefined) {
    const found = Object.keys(pega.cti[api]).filter((name) => name !== 'errorObject');
    throw new CtiError(
      'OPENCTI_INVALID_CONFIG',
      `no implementation registered itself as pega.cti.${api}.${vendor}${found.length ? ` (found: ${found.join(', ')})` : ''}: check the vendor scripts and desktop.implementation.vendor`,
    );
  }
  return source;
}

/** The instance behind a constructor (Pega's files register constructors), made as the registry would. */
function instantiate(vendor: string, source: unknown): object {
  if (typeof source !== 'function') return source as object;
  try {
    return Reflect.construct(source, []) as object;
  } catch (cause) {
    throw new CtiError('OPENCTI_INVALID_CONFIG', `the implementation constructor pega.cti.desktopApi.${vendor} failed: ${(cause as Error).message}`, { cause });
  }
}

/** Registers the vendor's desktopApi implementation and makes its instance pega.cti.API. */
export function bindDesktopImplementation(vendor: string): Registration {
  const instance = instantiate(vendor, vendorSource(vendor, 'desktop'));
  const pega = pageNamespace() as PegaNamespace;
  const registration = new ImplementationRegistry({ logger: new pega.cti.Logger() }).register(vendor, instance);
  pega.cti.API = instance;
  return registration;
}
