import type { ErrorObject } from '../schema/error.js';
import type { ErrorCode } from './codes.js';
import { en } from './locales/en.js';
import { fr } from './locales/fr.js';

export const LOCALES: Record<string, Partial<Record<string, string>>> = { en, fr };

/** Where a message for an error code is looked up, most specific first. */
export interface MessageCatalog {
  locale?: string | undefined;
  overrides?: Record<string, string> | undefined;
}

/**
 * The one error type the host ever sees. `errCode` and `errMessage` keep the original shape;
 * `localizedMessage` is what a CSR should read; `details` carries what a developer needs.
 */
export class CtiError extends Error {
  readonly errCode: string;
  readonly errMessage: string;
  readonly localizedMessage: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(errCode: ErrorCode | string, errMessage: string, options: { catalog?: MessageCatalog; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(`${errCode}: ${errMessage}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CtiError';
    this.errCode = errCode;
    this.errMessage = errMessage;
    this.localizedMessage = localize(errCode, errMessage, options.catalog);
    this.details = options.details;
  }

  toJSON(): ErrorObject & { localizedMessage: string } {
    return { errCode: this.errCode, errMessage: this.errMessage, localizedMessage: this.localizedMessage };
  }
}

/** Context override, then the locale's catalog, then English, then the vendor's own message. */
export function localize(errCode: string, errMessage: string, catalog: MessageCatalog = {}): string {
  if (errCode === 'OPENCTI_ERR_PASS') return errMessage;
  const base = (catalog.locale ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
  return catalog.overrides?.[errCode] ?? LOCALES[base]?.[errCode] ?? LOCALES.en?.[errCode] ?? errMessage;
}

export const isCtiError = (value: unknown): value is CtiError => value instanceof CtiError;

/** Turns anything an implementation rejects with into a CtiError, keeping its code and message. */
export function toCtiError(value: unknown, catalog?: MessageCatalog): CtiError {
  if (value instanceof CtiError) return value;
  if (typeof value === 'object' && value !== null && 'errCode' in value) {
    const { errCode, errMessage } = value as { errCode: unknown; errMessage?: unknown };
    if (typeof errCode === 'string' && errCode.length > 0) {
      return new CtiError(errCode, typeof errMessage === 'string' ? errMessage : '', { catalog: catalog ?? {}, cause: value });
    }
  }
  const message = value instanceof Error ? value.message : String(value);
  return new CtiError('OPENCTI_CF_GENERIC_OPERATION', message, { catalog: catalog ?? {}, cause: value });
}
