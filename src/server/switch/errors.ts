/** The one error the switch throws: an OpenCTI code (SPEC §6) and a message naming what is wrong. */
import type { ErrorCode } from '../../framework/errors/codes.js';

export type SwitchErrorCode = Extract<
  ErrorCode,
  | 'OPENCTI_AGENT_NOT_LOGGED_IN'
  | 'OPENCTI_AGENT_LOGGED_IN'
  | 'OPENCTI_AUTH_FAILED'
  | 'OPENCTI_CF_INVALID_OBJECT_STATE'
  | 'OPENCTI_CF_INVALID_DESTINATION'
  | 'OPENCTI_DEST_BUSY'
  | 'OPENCTI_IN_SAME_STATE'
  | 'OPENCTI_CONF_ALREADY_PRESENT'
  | 'OPENCTI_INVALID_ACTION'
  | 'OPENCTI_INVALID_CONFIG'
>;

export class SwitchError extends Error {
  readonly errCode: SwitchErrorCode;
  readonly errMessage: string;

  constructor(errCode: SwitchErrorCode, errMessage: string) {
    super(`${errCode}: ${errMessage}`);
    this.name = 'SwitchError';
    this.errCode = errCode;
    this.errMessage = errMessage;
  }

  toJSON(): { errCode: string; errMessage: string } {
    return { errCode: this.errCode, errMessage: this.errMessage };
  }
}

export const isSwitchError = (value: unknown): value is SwitchError => value instanceof SwitchError;

/** Quotes a value the caller gave us, so that empty strings and spaces show in messages. */
export const q = (value: unknown): string => JSON.stringify(value) ?? String(value);
