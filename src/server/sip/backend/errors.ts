/** Errors the SIP back end gives desktops: CtiError-shaped (errCode + errMessage), naming the endpoint. */
import { SipControlError } from '../errors.js';

export class SipRequestError extends Error {
  override name = 'SipRequestError';
  constructor(
    readonly errCode: string,
    readonly errMessage: string,
  ) {
    super(`${errCode}: ${errMessage}`);
  }
}

export const linkDown = (endpoint: string, detail = 'not connected'): SipRequestError =>
  new SipRequestError('OPENCTI_LINK_DOWN', `${endpoint}: ${detail}`);

/** A control client's failure as a desktop sees it: the link is down (or timed out), or the phone refused. */
export function toRequestError(error: unknown): unknown {
  if (!(error instanceof SipControlError)) return error;
  if (error.kind === 'rejected') return new SipRequestError('OPENCTI_CF_GENERIC_OPERATION', error.message);
  if (error.kind === 'timeout') return new SipRequestError('OPENCTI_TIMEOUT', error.message);
  return new SipRequestError('OPENCTI_LINK_DOWN', error.message);
}
