/**
 * The dial plan: a destination is a queue's DNIS, a known extension, or an outside number
 * (5 to 15 digits, optional leading +). Shorter all-digit strings are unknown extensions.
 */
import { SwitchError, q } from './errors.js';
import { callsOf, isKnownExtension, queueByDnis, type Ctx, type Queue } from './model.js';

export type Destination =
  | { readonly kind: 'extension'; readonly dn: string }
  | { readonly kind: 'queue'; readonly queue: Queue }
  | { readonly kind: 'external'; readonly number: string };

const EXTERNAL = /^\+?\d{5,15}$/;
const SHORT = /^\d{1,4}$/;

export const isExternalNumber = (value: string): boolean => EXTERNAL.test(value);

/** Where a call to `destination` goes; throws when it cannot go there now. */
export function resolveDestination(ctx: Ctx, destination: unknown, from?: string): Destination {
  if (typeof destination !== 'string' || destination.length === 0) {
    throw new SwitchError('OPENCTI_CF_INVALID_DESTINATION', `the destination is empty (got ${q(destination)})`);
  }
  if (destination === from) throw new SwitchError('OPENCTI_CF_INVALID_DESTINATION', `extension ${destination} cannot call itself`);
  const queue = queueByDnis(ctx, destination);
  if (queue) return { kind: 'queue', queue };
  if (isKnownExtension(ctx, destination)) {
    if (!ctx.devices.has(destination)) throw new SwitchError('OPENCTI_DEST_BUSY', `nobody is logged in on extension ${destination}`);
    const current = callsOf(ctx, destination)[0];
    if (current) throw new SwitchError('OPENCTI_DEST_BUSY', `extension ${destination} is busy on call ${current.id}`);
    return { kind: 'extension', dn: destination };
  }
  if (EXTERNAL.test(destination)) return { kind: 'external', number: destination };
  if (SHORT.test(destination)) throw new SwitchError('OPENCTI_CF_INVALID_DESTINATION', `unknown extension ${destination}`);
  throw new SwitchError(
    'OPENCTI_CF_INVALID_DESTINATION',
    `malformed number ${q(destination)}: expected an extension, a queue number or an outside number of 5 to 15 digits`,
  );
}
