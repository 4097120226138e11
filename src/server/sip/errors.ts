/**
 * The one error the SIP control clients throw: what failed, against which endpoint, and why.
 * `endpoint` names the thing we talked to ("Kamailio evapi 127.0.0.1:8448", "baresip alice
 * ctrl_tcp 127.0.0.1:4441", …) so a failure in a test or in production logs says where to look.
 */
export type SipControlErrorKind =
  | 'connect' // connection refused / socket file missing / timed out connecting
  | 'closed' // the peer went away (process gone) while a request was pending
  | 'timeout' // no answer within the request timeout
  | 'rejected' // the peer answered with an error
  | 'protocol'; // the peer sent something we cannot parse

export class SipControlError extends Error {
  readonly kind: SipControlErrorKind;
  readonly endpoint: string;

  constructor(kind: SipControlErrorKind, endpoint: string, detail: string, options?: { cause?: unknown }) {
    super(`${endpoint}: ${detail}`, options);
    this.name = 'SipControlError';
    this.kind = kind;
    this.endpoint = endpoint;
  }
}

/** Turns a socket error into a SipControlError that names the endpoint. */
export function socketError(endpoint: string, err: unknown): SipControlError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return new SipControlError('connect', endpoint, 'connection refused (is the process running?)', { cause: err });
  if (code === 'ENOENT') return new SipControlError('connect', endpoint, 'socket does not exist (is the process running?)', { cause: err });
  if (code === 'ECONNRESET' || code === 'EPIPE') return new SipControlError('closed', endpoint, 'connection reset by peer (process gone?)', { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new SipControlError('connect', endpoint, message, { cause: err });
}
