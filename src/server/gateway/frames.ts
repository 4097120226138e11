/** Reading client frames: size, encoding, JSON, nesting and string sizes, shape — each failure named for the client. */
import type { RawData } from 'ws';
import type { ErrorObject } from '../../framework/schema/error.js';
import { PhoneReportFrame, RequestFrame } from '../../framework/schema/protocol.js';
import { compileValidator, describeProblems } from '../../framework/schema/validate.js';
import { checkJsonLimits, type JsonLimits } from './json-limits.js';

export type BadFrameReason = 'too_large' | 'binary' | 'not_json' | 'too_deep' | 'string_too_long' | 'bad_shape';

export type ParsedFrame =
  | { ok: true; frame: RequestFrame | PhoneReportFrame | { type: 'heartbeat' } }
  | { ok: false; reason: BadFrameReason; id: RequestFrame['id'] | null; error: ErrorObject };

export interface FrameLimits extends JsonLimits {
  readonly maxFrameBytes: number;
}

const validateRequest = compileValidator<RequestFrame>(RequestFrame);
const validatePhoneReport = compileValidator<PhoneReportFrame>(PhoneReportFrame);

const bad = (reason: BadFrameReason, errMessage: string, id: RequestFrame['id'] | null = null): ParsedFrame => ({
  ok: false,
  reason,
  id,
  error: { errCode: 'OPENCTI_BAD_FRAME', errMessage },
});

export const byteLength = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;

/** The frame's id when it is one the protocol allows, so that even a refusal can be matched. */
function idOf(value: unknown): RequestFrame['id'] | null {
  const raw = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return (typeof raw === 'string' && raw.length > 0 && raw.length <= 128) || (typeof raw === 'number' && Number.isInteger(raw)) ? raw : null;
}

export function parseFrame(data: RawData, isBinary: boolean, limits: FrameLimits): ParsedFrame {
  const size = byteLength(data);
  if (size > limits.maxFrameBytes) return bad('too_large', `frame of ${size} bytes is over the ${limits.maxFrameBytes}-byte limit`);
  if (isBinary) return bad('binary', 'binary frames are not accepted: send JSON text');
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch (error) {
    return bad('not_json', `frame is not JSON: ${(error as Error).message}`);
  }
  // Before the schema: nothing after this point meets a value deeper or longer than the limits.
  const over = checkJsonLimits(value, limits);
  if (over) return bad(over.reason, over.message, idOf(value));
  if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'heartbeat') {
    return { ok: true, frame: { type: 'heartbeat' } };
  }
  // the browser phone's reports (SIP back end, phone kind "webrtc")
  if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'phone') {
    const report = validatePhoneReport(value);
    if (!report.ok) return bad('bad_shape', `frame is not a valid phone report: ${describeProblems(report.problems)}`);
    return { ok: true, frame: report.value };
  }
  const result = validateRequest(value);
  if (!result.ok) return bad('bad_shape', `frame is not a valid request: ${describeProblems(result.problems)}`, idOf(value));
  return { ok: true, frame: result.value };
}
