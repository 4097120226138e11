/**
 * Waiting for the switch to follow the telephony: a desktop request resolves when the agent's leg
 * reaches a state (the phone's event updated the switch), and fails at once, naming the endpoint,
 * when the phone or Kamailio goes away meanwhile.
 */
import { SipRequestError, linkDown } from './errors.js';

interface Waiter {
  readonly agentId: string;
  readonly test: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class Waiters {
  private readonly waiting = new Set<Waiter>();

  /** Resolves once `test()` holds (checked now and after every switch event). */
  until(agentId: string, test: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        agentId,
        test,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          reject(new SipRequestError('OPENCTI_TIMEOUT', `${what}: the telephony did not confirm within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiting.add(waiter);
    });
  }

  /** After each switch event. */
  check(): void {
    for (const waiter of [...this.waiting]) {
      if (!waiter.test()) continue;
      this.waiting.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve();
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
