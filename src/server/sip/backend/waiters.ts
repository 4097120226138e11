/**
 * Waiting for the switch to follow the telephony: a desktop request resolves when the agent's leg
 * reaches a state (the phone's event updated the switch) or the signalling answered, fails as soon
 * as the test reports a refusal (an Error), and fails at once, naming the endpoint, when the phone
 * or Kamailio goes away meanwhile.
 */
import { SipRequestError, linkDown } from './errors.js';

interface Waiter {
  readonly agentId: string;
  readonly test: () => boolean | Error;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class Waiters {
  private readonly waiting = new Set<Waiter>();

  /**
   * Resolves once `test()` holds, rejects with the Error it returns (checked now and after every
   * switch, phone and Kamailio event). `what` names what did not happen when the time is up.
   */
  until(agentId: string, test: () => boolean | Error, what: string | (() => string), timeoutMs: number): Promise<void> {
    const now = test();
    if (now instanceof Error) return Promise.reject(now);
    if (now) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        agentId,
        test,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          const named = typeof what === 'function' ? what() : `${what}: the telephony did not confirm`;
          reject(new SipRequestError('OPENCTI_TIMEOUT', `${named} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiting.add(waiter);
    });
  }

  /** After each switch event. */
  check(): void {
    for (const waiter of [...this.waiting]) {
      const result = waiter.test();
      if (result === false) continue;
      this.waiting.delete(waiter);
      clearTimeout(waiter.timer);
      if (result instanceof Error) waiter.reject(result);
      else waiter.resolve();
    }
  }

  /** The agent's phone (or, with no agent, Kamailio) went away: its requests fail now. */
  fail(endpoint: string, detail: string, agentId?: string): void {
    for (const waiter of [...this.waiting]) {
      if (agentId !== undefined && waiter.agentId !== agentId) continue;
      this.waiting.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.reject(linkDown(endpoint, detail));
    }
  }

  clear(): void {
    for (const waiter of this.waiting) clearTimeout(waiter.timer);
    this.waiting.clear();
  }
}
