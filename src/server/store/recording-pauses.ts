/**
 * The recording's pause intervals on an interaction (kept as JSON text in recording_pauses), from
 * the switch's 'recording' records: paused opens one; resumed, stopped or the call's end closes it.
 * What was said between `from` and `to` is not on the recording (a card number read out).
 */
import type { CallRecord } from '../switch/types.js';
import type { RecordingPause } from './types.js';

/** Whether this record can change the pauses: the others leave the column alone. */
export const touchesPauses = (r: CallRecord): boolean => r.kind === 'recording' || r.kind === 'ended' || r.kind === 'abandoned';

export function parsePauses(text: string | null | undefined): RecordingPause[] {
  if (!text) return [];
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? (parsed as RecordingPause[]) : [];
}

/** The pauses after the record, or undefined when it changes nothing. */
export function pausesAfter(current: readonly RecordingPause[], r: CallRecord): RecordingPause[] | undefined {
  const last = current.at(-1);
  const open = last !== undefined && last.to === undefined;
  if (r.kind === 'recording' && r.detail === 'paused') return open ? undefined : [...current, { from: r.at }];
  const closes = (r.kind === 'recording' && (r.detail === 'resumed' || r.detail === 'stopped')) || r.kind === 'ended' || r.kind === 'abandoned';
  if (closes && open) return [...current.slice(0, -1), { from: last.from, to: r.at }];
  return undefined;
}
