/**
 * The application contexts built into the desktop page, one per telephony mode (SPEC §3, §7, §8).
 * Inbound calls pop the customer and start the interaction; the full mode lets the CSR accept
 * the pop first, the simpler modes start the interaction with the pop.
 */
import type { ApplicationContext, CallTreatment, ReasonCode, TelephonyMode, WrapUp } from '../../framework/schema/context.js';
import { TELEPHONY_MODES } from '../../framework/schema/context.js';

export const NOT_READY_REASONS: readonly ReasonCode[] = [
  { code: 'BREAK', label: 'Break' },
  { code: 'LUNCH', label: 'Lunch' },
  { code: 'TRAINING', label: 'Training' },
  { code: 'MEETING', label: 'Meeting' },
];

export const LOGOUT_REASONS: readonly ReasonCode[] = [
  { code: 'END_OF_SHIFT', label: 'End of shift' },
  { code: 'BREAK', label: 'Break' },
  { code: 'OTHER', label: 'Other' },
];

/** What the CSR picks when wrapping up; one is required. */
export const WRAP_UP: WrapUp = {
  dispositions: [
    { code: 'RESOLVED', label: 'Resolved' },
    { code: 'FOLLOW_UP', label: 'Follow-up needed' },
    { code: 'ESCALATED', label: 'Escalated' },
    { code: 'SALE', label: 'Sale' },
    { code: 'INFORMATION', label: 'Information only' },
    { code: 'NO_ACTION', label: 'No action' },
  ],
  dispositionRequired: true,
  timeLimitSeconds: 120,
};

/** Pega's containers show whatever a connector or a colleague attached, each entry under its path. */
const ATTACHED = ['pyUserData', 'pyCallVariables', 'pyApplicationData'];
const POP_DATA = ['pyANI', 'pyDNIS', 'pyQueue', 'reason', 'account', 'orderId', ...ATTACHED];

const inbound = (launch: CallTreatment['launch'], answering: CallTreatment['answering'] = 'manual'): CallTreatment => ({
  enabled: true,
  answering,
  launch,
  popData: POP_DATA,
});

export function parseMode(search: string): TelephonyMode {
  const mode = new URLSearchParams(search).get('mode');
  return (TELEPHONY_MODES as readonly string[]).includes(mode ?? '') ? (mode as TelephonyMode) : 'full';
}

/** The WebSocket URL of this page's server: ws(s)://<host>/cti. */
export function ctiUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/cti`;
}

export function contextFor(mode: TelephonyMode, ctiUrl: string, answering: CallTreatment['answering'] = 'manual'): ApplicationContext {
  return {
    application: `OpenCTI desktop (${mode})`,
    telephonyMode: mode,
    implementation: { vendor: 'reference' },
    ctiLink: { name: 'reference-server', url: ctiUrl },
    callTreatment: {
      INBOUND: mode === 'full' ? inbound(answering === 'manual' ? 'screenPopThenAccept' : 'autoWithScreenPop', answering) : inbound('autoWithScreenPop'),
      // A consult or transferred call from a colleague pops too: the CSR sees who is calling.
      CONSULT: { ...inbound('autoWithScreenPop'), popData: ['pyANI', 'pyQueue', ...ATTACHED] },
      INTERNAL: { ...inbound('autoWithScreenPop'), popData: ['pyANI', ...ATTACHED] },
    },
    reasonCodes: { notReady: [...NOT_READY_REASONS], logout: [...LOGOUT_REASONS] },
    wrapUp: { ...WRAP_UP, dispositions: [...WRAP_UP.dispositions] },
    locale: 'en',
  };
}

/** `?answer=auto` or `?answer=autoAfterInteractionStart` switches automatic answering on (full mode). */
export function answeringFrom(search: string): CallTreatment['answering'] {
  const answer = new URLSearchParams(search).get('answer');
  return answer === 'auto' || answer === 'autoAfterInteractionStart' ? answer : 'manual';
}
