import { invalid } from './errors.js';

/**
 * Phone numbers are stored as typed by a human ("+1 (202) 555-0101") only after normalisation to
 * digits with an optional leading "+" ("+12025550101"); "00" before the country code counts as "+".
 *
 * Lookup compares keys, not strings:
 * - `digits` — every digit, so "+1 202 555 0101", "1-202-555-0101" and "12025550101" are one number;
 * - `tail` — the last TAIL_DIGITS digits, used only when no number matches exactly, so an ANI that
 *   arrives without its country code or with a national trunk prefix ("2025550101", "020 7946 0958")
 *   still finds "+1 202 555 0101" / "+44 20 7946 0958". Numbers shorter than TAIL_DIGITS (internal
 *   extensions) only ever match exactly.
 */
export const TAIL_DIGITS = 9;

const ALLOWED = /^\+?[\d\s().\-/]+$/;

export interface PhoneKey {
  /** Normalised form kept on the customer: digits and a leading "+" when international. */
  readonly normalised: string;
  readonly digits: string;
  /** Last TAIL_DIGITS digits, or undefined when the number is shorter. */
  readonly tail: string | undefined;
}

/** Normalises a number typed by a person or sent by the switch; throws INVALID when it is not one. */
export function phoneKey(input: string): PhoneKey {
  const key = tryPhoneKey(input);
  if (key === undefined) {
    throw invalid(`${JSON.stringify(input)} is not a phone number (digits, spaces, ( ) . - / and a leading + only)`);
  }
  return key;
}

/** Like phoneKey, but undefined instead of an error (for ANIs such as "anonymous"). */
export function tryPhoneKey(input: string): PhoneKey | undefined {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 64 || !ALLOWED.test(trimmed)) return undefined;
  let digits = trimmed.replace(/\D/g, '');
  let plus = trimmed.startsWith('+');
  if (!plus && digits.startsWith('00') && digits.length > 4) {
    digits = digits.slice(2);
    plus = true;
  }
  if (digits.length === 0 || digits.length > 20) return undefined;
  return {
    normalised: plus ? `+${digits}` : digits,
    digits,
    tail: digits.length >= TAIL_DIGITS ? digits.slice(-TAIL_DIGITS) : undefined,
  };
}
