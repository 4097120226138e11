/**
 * The callback-style example connector and its demo PBX.
 * The default export creates a connector with its own PBX, so the framework's
 * `loadImplementation('…/examples/callback-connector/index.js')` finds it.
 */
import { createCallbackConnector } from './connector.js';

export { createCallbackConnector, toErrorObject } from './connector.js';
export { DemoPbx, PbxError } from './demo-pbx.js';

export default function createImplementation(options) {
  return createCallbackConnector(options);
}
