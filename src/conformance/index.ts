/** The connector conformance kit: prove an implementation against the contract (docs/spec.md) for a telephony mode. */
export { runConformance } from './run.js';
export { CHECKS, checksFor, formatCheckList, type CheckInfo } from './checks.js';
export { driverProblems } from './driver-check.js';
export { loadTarget } from './target-module.js';
export { adoptImplementation, type Adopted } from './adopt.js';
export { createReferenceDriver, type ReferenceDriverOptions } from './reference-driver.js';
export { EventRecorder } from './recorder.js';
export type * from './types.js';
