/** Reading client frames: size, encoding, JSON, shape — each failure named for the client. */
import type { RawData } from 'ws';
import type { ErrorObject } from '../../framework/schema/error.js';
import { RequestFrame } from '../../framework/schema/protocol.js';
import { compileValidator, describeProblems } from '../../framework/schema/validate.js';

export type ParsedFrame =
  | { ok: true; frame: RequestFrame | { type: 'heartbeat' } }
  | { ok: false; reason: 'too_large' | 'binary' | 'not_json' | 'bad_shape'; id: RequestFrame['id'] | null; error: ErrorObject };

const validateRequest = compileValidator<RequestFrame>(RequestFrame);

const bad = (reason: Exclude<ParsedFrame, { ok: true }>['reason'], errMessage: string, id: RequestFrame['id'] | null = null): ParsedFrame => ({
  ok: false,
  reason,
  id,
  error: { errCode: 'OPENCTI_BAD_FRAME', errMessage },
});

const byteLength = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;

export function parseFrame(data: RawData, isBinary: boolean, maxBytes: number): ParsedFrame {
  const size = byteLength(data);
  if (size > maxBytes) return bad('too_large', `frame of ${size} bytes is over the ${maxBytes}-byte limit`);
  if (isBinary) return bad('binary', 'binary frames are not accepted: send JSON text');
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch (error) {
    return bad('not_json', `frame is not JSON: ${(error as Error).message}`);
  }
  if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'heartbeat') {
    return { ok: true, frame: { type: 'heartbeat' } };
  }
  const result = validateRequest(value);
  if (!result.ok) {
    const raw = (value as { id?: unknown } | null)?.id;
    const id = typeof raw === 'string' || (typeof raw === 'number' && Number.isInteger(raw)) ? raw : null;
    return bad('bad_shape', `frame is not a valid request: ${describeProblems(result.problems)}`, id);
  }
  return { ok: true, frame: result.value };
}
