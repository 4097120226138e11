/** Public API of the OpenCTI framework: runs in browsers and in Node. */
export * from './schema/events.js';
export * from './schema/context.js';
export * from './schema/error.js';
export * from './schema/validate.js';
export * from './schema/lenient.js';
export * from './errors/codes.js';
export * from './errors/cti-error.js';
export * from './implementation.js';
export * from './requests.js';
export * from './modes.js';
export * from './version.js';
export * from './registry.js';
export * from './session/types.js';
export * from './session/session.js';
export * from './session/reducer.js';
export { TypedEmitter } from './session/emitter.js';
export * from './treatment.js';
export * from './compat/callback-adapter.js';
