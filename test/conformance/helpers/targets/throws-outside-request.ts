/**
 * A conformance target whose connector, once logged in, throws from a timer: outside any request,
 * where nothing can catch it. The command must still finish the run and report it.
 */
import { createTarget as createReferenceTarget } from '../../../../src/conformance/targets/reference.js';
import type { ConformanceTarget } from '../../../../src/conformance/types.js';
import { faulty } from '../faults.js';

export async function createTarget(): Promise<ConformanceTarget> {
  const reference = await createReferenceTarget();
  const connector = faulty((base) => ({
    overrides: {
      login: async (...args: unknown[]) => {
        const result = await (base.login as (...a: unknown[]) => Promise<unknown>).call(base, ...args);
        setTimeout(() => {
          throw new Error('socket handler crashed');
        }, 0);
        return result;
      },
    },
  }));
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
