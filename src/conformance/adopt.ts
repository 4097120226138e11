/**
 * The kit takes a connector the way the framework does: it registers it into a fresh
 * ImplementationRegistry, so a promise-style object, a callback-style object and a constructor
 * with its functions on the prototype (Pega's style, with its alias spellings) are all adopted by
 * the registry's own code, and the kit proves what a session would really call.
 */
import { ImplementationRegistry, type ImplementationSource } from '../framework/registry.js';
import type { Implementation } from '../framework/implementation.js';

export interface Adopted {
  /** The promise-style implementation the registry would hand a session. */
  readonly implementation: Implementation;
  /** `callback` when the registry wrapped it with the callback adapter. */
  readonly style: 'promise' | 'callback';
  /**
   * What the registry accepted but said something about (e.g. no frameworkApi) and, for a
   * connector without a getLogger() of its own, what it logs later (e.g. a callback called after
   * its request settled). Grows while the kit runs.
   */
  readonly notes: string[];
}

const VENDOR = 'conformance';

/** Registers `source` as the registry does; throws the registry's own error when it refuses it. */
export function adoptImplementation(source: ImplementationSource): Adopted {
  const notes: string[] = [];
  const note = (message: string) => {
    if (!notes.includes(message)) notes.push(message);
  };
  // Warnings go to the report, not the console; a connector with getLogger() still gets its own copy.
  const registry = new ImplementationRegistry({ logger: { warn: note } });
  const registration = registry.register(VENDOR, source);
  for (const warning of registration.warnings) note(warning);
  return { implementation: registration.implementation, style: registration.style, notes };
}
