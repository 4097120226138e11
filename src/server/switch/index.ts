/** The telephony model: a simulated PBX + ACD behind the Switch interface. */
export { createSwitch } from './switch.js';
export { ManualClock, systemClock } from './clock.js';
export { SwitchError, isSwitchError, type SwitchErrorCode } from './errors.js';
export { RONA_REASON, REJECTED_REASON } from './agent-state.js';
export type * from './types.js';
