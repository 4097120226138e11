/**
 * The hosted implementation the server configured (`desktop.implementation`, docs/pega-hosting.md):
 * read from the page's configuration block, which the server writes before the vendor's scripts.
 * No block: the desktop uses the reference connector, as always.
 */
import type { ApplicationContext, CtiLink } from '../../framework/schema/context.js';

export type HostedVariant = 'desktop' | 'embedded';

export interface HostedConfig {
  readonly vendor: string;
  readonly variant: HostedVariant;
  readonly ctiLink: CtiLink;
}

export const CONFIG_ELEMENT_ID = 'opencti-desktop-config';

/** The configuration block's content, checked; throws naming what is wrong. */
export function parseHostedConfig(text: string): HostedConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`the desktop configuration block is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const config = value as { implementation?: { vendor?: unknown; variant?: unknown }; ctiLink?: { name?: unknown } } | null;
  const vendor = config?.implementation?.vendor;
  const variant = config?.implementation?.variant ?? 'desktop';
  if (typeof vendor !== 'string' || vendor === '') throw new Error('the desktop configuration block has no implementation.vendor');
  if (variant !== 'desktop' && variant !== 'embedded') throw new Error(`the desktop configuration block's implementation.variant must be "desktop" or "embedded" (got ${JSON.stringify(variant)})`);
  const ctiLink = config?.ctiLink;
  if (typeof ctiLink !== 'object' || ctiLink === null || typeof ctiLink.name !== 'string' || ctiLink.name === '') {
    throw new Error('the desktop configuration block has no ctiLink.name');
  }
  return { vendor, variant, ctiLink: ctiLink as CtiLink };
}

/** The page's hosted implementation, or undefined when the page has no configuration block. */
export function readHostedConfig(doc: Pick<Document, 'getElementById'>): HostedConfig | undefined {
  const block = doc.getElementById(CONFIG_ELEMENT_ID);
  return block ? parseHostedConfig(block.textContent ?? '') : undefined;
}

/** The page's application context, bound to the hosted vendor and its link instead of the reference server. */
export function hostedContext(base: ApplicationContext, hosted: HostedConfig): ApplicationContext {
  return {
    ...base,
    application: `${base.application} via ${hosted.vendor}`,
    implementation: { vendor: hosted.vendor },
    ctiLink: hosted.ctiLink,
  };
}
