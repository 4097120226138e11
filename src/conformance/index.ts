/** The connector conformance kit: prove an implementation against SPEC for a telephony mode. */
export { runConformance } from './run.js';
export { adoptImplementation, type Adopted } from './adopt.js';
export { createReferenceDriver, type ReferenceDriverOptions } from './reference-driver.js';
export { EventRecorder } from './recorder.js';
export type * from './types.js';
