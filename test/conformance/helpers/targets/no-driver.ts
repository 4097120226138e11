/** A conformance target that forgets its driver: the kit must say so, not crash. */
import { createNodeReferenceConnector } from '../../../../src/connectors/reference/node.js';

export function createTarget() {
  return { implementation: createNodeReferenceConnector() };
}
