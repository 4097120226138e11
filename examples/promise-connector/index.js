/**
 * The promise-style example connector, its conformance target and the demo PBX it talks to.
 * The default export creates a connector with its own PBX, so the framework's
 * `loadImplementation('…/examples/promise-connector/index.js')` finds it.
 */
import { createPromiseConnector } from './connector.js';

export { ConnectorError, createPromiseConnector, toConnectorError } from './connector.js';
export { createDemoPbxDriver, createTarget } from './target.js';
export { DemoPbx, PbxError } from '../callback-connector/demo-pbx.js';

export default function createImplementation(options) {
  return createPromiseConnector(options);
}
