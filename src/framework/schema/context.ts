/**
 * The application context (SPEC §3, §7, §8): its value lists and TypeScript types, in a module
 * without schema builders so that a browser page can import it as it is. The JSON Schema of the
 * configuration file, the source of the types, is in context-schemas.ts.
 */
export type { ApplicationContext, CallTreatment, CtiLink, CustomProperty, ReasonCode, WrapUp } from './context-schemas.js';

export const TELEPHONY_MODES = ['simple', 'agentState', 'full'] as const;
export type TelephonyMode = (typeof TELEPHONY_MODES)[number];

export const ANSWERING = ['manual', 'auto', 'autoAfterInteractionStart'] as const;
export type Answering = (typeof ANSWERING)[number];

export const LAUNCH = ['screenPopThenAccept', 'autoWithScreenPop', 'autoWithoutScreenPop'] as const;
export type Launch = (typeof LAUNCH)[number];

/** How events from the implementation are taken in: as the contract says, or as vendors send them. */
export const EVENT_INTAKES = ['strict', 'lenient'] as const;
export type EventIntake = (typeof EVENT_INTAKES)[number];
