/**
 * Every error the REST API answers with is `{ errCode, errMessage }` (SPEC §6), plus `problems`
 * when a request failed schema validation. This module maps what routes throw to that shape and
 * an HTTP status: schema problems → 400, store errors by their code, switch errors by theirs.
 */
import type { FastifyError, FastifySchemaValidationError } from 'fastify';
import { isStoreError, type StoreErrorCode } from '../store/errors.js';

/** errCode of a request whose body, params or querystring is malformed. */
export const BAD_REQUEST = 'OPENCTI_BAD_REQUEST';

/** The part of the request that failed validation (Fastify's dataVar). */
type SchemaErrorDataVar = 'body' | 'headers' | 'params' | 'querystring';

export interface Problem {
  /** Where: "body.data.region", "params.id", "querystring.limit". */
  readonly path: string;
  readonly message: string;
}

export interface ErrorBody {
  errCode: string;
  errMessage: string;
  problems?: Problem[];
}

/** An error a route throws on purpose; the handler answers it as is. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errCode: string,
    readonly errMessage: string,
    readonly problems?: Problem[],
  ) {
    super(`${errCode}: ${errMessage}`);
    this.name = 'HttpError';
  }

  toBody(): ErrorBody {
    return this.problems === undefined
      ? { errCode: this.errCode, errMessage: this.errMessage }
      : { errCode: this.errCode, errMessage: this.errMessage, problems: this.problems };
  }
}

/** The errCode for a bare HTTP status, as the framework names transport failures. */
export const httpErrCode = (status: number): string => (status === 400 ? BAD_REQUEST : `OPENCTI_HTTP_ERROR_${status}`);

export const notFound = (message: string): HttpError => new HttpError(404, httpErrCode(404), message);
export const conflict = (message: string): HttpError => new HttpError(409, httpErrCode(409), message);
export const unauthorized = (message: string): HttpError => new HttpError(401, httpErrCode(401), message);

/** errCode of a request whose token is valid but does not allow this (another agent's data). */
export const FORBIDDEN = 'OPENCTI_FORBIDDEN';
export const forbidden = (message: string): HttpError => new HttpError(403, FORBIDDEN, message);

// ------------------------------------------------------------------ schema validation

const joinPath = (root: string, pointer: string): string =>
  [root, ...pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))].join('.');

function toProblem(error: FastifySchemaValidationError, dataVar: SchemaErrorDataVar): Problem {
  const params = error.params;
  switch (error.keyword) {
    case 'required':
      return { path: joinPath(dataVar, `${error.instancePath}/${String(params.missingProperty)}`), message: 'is required' };
    case 'additionalProperties':
      return { path: joinPath(dataVar, `${error.instancePath}/${String(params.additionalProperty)}`), message: 'is not an allowed property' };
    case 'enum':
      return {
        path: joinPath(dataVar, error.instancePath),
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'type':
      if (error.instancePath === '') return { path: dataVar, message: `must be a JSON ${String(params.type)}` };
      return { path: joinPath(dataVar, error.instancePath), message: `must be ${String(params.type)}` };
    case 'minimum':
    case 'maximum': {
      // The whole range, from the schema (the validators run with verbose: true).
      const verbose = error as FastifySchemaValidationError & { parentSchema?: unknown; data?: unknown };
      const schema = (verbose.parentSchema ?? {}) as { minimum?: number; maximum?: number; type?: string };
      const kind = schema.type === 'integer' ? 'an integer' : 'a number';
      const range =
        schema.minimum !== undefined && schema.maximum !== undefined
          ? `from ${schema.minimum} to ${schema.maximum}`
          : schema.minimum !== undefined
            ? `at least ${schema.minimum}`
            : `at most ${String(schema.maximum ?? params.limit)}`;
      return { path: joinPath(dataVar, error.instancePath), message: `must be ${kind} ${range}, got ${String(verbose.data).slice(0, 40)}` };
    }
    default:
      return { path: joinPath(dataVar, error.instancePath), message: error.message ?? `fails ${error.keyword}` };
  }
}

/** Fastify's schemaErrorFormatter: one HttpError naming every property that is wrong. */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): HttpError {
  const seen = new Set<string>();
  const problems = errors
    .map((e) => toProblem(e, dataVar))
    .filter((p) => {
      const key = `${p.path} ${p.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
  const message = problems.map((p) => `${p.path} ${p.message}`).join('; ') || `${dataVar} is invalid`;
  return new HttpError(400, BAD_REQUEST, message, problems);
}

// ------------------------------------------------------------------ mapping

const STORE_STATUS: Record<StoreErrorCode, number> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID: 400,
  BUSY: 503,
  CLOSED: 503,
  UNAVAILABLE: 503,
  SCHEMA_TOO_NEW: 500,
  SCHEMA_MISMATCH: 500,
  OPEN_FAILED: 500,
  MIGRATION_FAILED: 500,
  INTERNAL: 500,
};

/**
 * Switch refusals by errCode: a destination that does not exist is 404, a malformed argument the
 * schemas could not catch is 400; everything else (busy, wrong state, already present, a
 * configuration clashing with another agent or queue…) is a conflict with the current state, 409. "no such call …" is 404 whatever its code.
 * A link the server needs is down (a SIP link, a cluster node's NATS): 503, try again or elsewhere.
 */
const SWITCH_STATUS: Record<string, number> = {
  OPENCTI_CF_INVALID_DESTINATION: 404,
  OPENCTI_INVALID_ACTION: 400,
  OPENCTI_LINK_DOWN: 503,
};
const NOT_FOUND_MESSAGE = /\b(no such|unknown|does not exist)\b/i;

/** A SwitchError or anything else carrying an OpenCTI error code. */
const isCodedError = (value: unknown): value is { errCode: string; errMessage: string } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { errCode?: unknown }).errCode === 'string' &&
  typeof (value as { errMessage?: unknown }).errMessage === 'string';

export interface MappedError {
  readonly status: number;
  readonly body: ErrorBody;
  /** True when the server is at fault: log it with its stack. */
  readonly internal: boolean;
}

/** What the API answers for anything a route or Fastify threw. */
export function mapError(error: unknown): MappedError {
  if (error instanceof HttpError) return { status: error.statusCode, body: error.toBody(), internal: false };
  if (isStoreError(error)) {
    const status = STORE_STATUS[error.code];
    const internal = status >= 500;
    return {
      status,
      body: { errCode: httpErrCode(status), errMessage: status === 500 ? 'the store failed; see the server log' : error.message },
      internal,
    };
  }
  if (isCodedError(error)) {
    const status = NOT_FOUND_MESSAGE.test(error.errMessage) ? 404 : (SWITCH_STATUS[error.errCode] ?? 409);
    return { status, body: { errCode: error.errCode, errMessage: error.errMessage }, internal: false };
  }
  const fastify = error as Partial<FastifyError> | undefined;
  const status = typeof fastify?.statusCode === 'number' ? fastify.statusCode : 500;
  if (status >= 400 && status < 500) {
    return { status, body: { errCode: httpErrCode(status), errMessage: fastify?.message ?? 'bad request' }, internal: false };
  }
  return { status: 500, body: { errCode: httpErrCode(500), errMessage: 'internal server error; see the server log' }, internal: true };
}
