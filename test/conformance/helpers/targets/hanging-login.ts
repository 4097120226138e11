/**
 * A conformance target (for `opencti conformance`) whose connector never settles login and keeps
 * a timer running, as a connector holding a socket open would: the command must still end with a
 * report and exit.
 */
import { createTarget as createReferenceTarget } from '../../../../src/conformance/targets/reference.js';
import type { ConformanceTarget } from '../../../../src/conformance/types.js';
import { faulty } from '../faults.js';

export async function createTarget(): Promise<ConformanceTarget> {
  const reference = await createReferenceTarget();
  const connector = faulty(() => ({ overrides: { login: () => new Promise(() => undefined) } }));
  setInterval(() => undefined, 1000); // never cleared: the process stays alive unless the command exits itself
  return {
    implementation: connector.implementation,
    driver: {
      ...reference.driver,
      async close() {
        connector.close();
        await reference.driver.close?.();
      },
    },
  };
}
