/**
 * Exactly one tab of a browser holds the agent's phone: the one that holds a Web Lock named after
 * the agent. The others wait in line and take over when that tab logs out or closes.
 */
export interface PhoneLock {
  /** Resolves once this tab holds the phone; rejects when given up first. */
  readonly acquired: Promise<void>;
  release(): void;
}

export function requestPhoneLock(agentId: string): PhoneLock {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) {
    // no Web Locks (an old browser): this tab takes the phone
    return { acquired: Promise.resolve(), release: () => undefined };
  }
  const abort = new AbortController();
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const acquired = new Promise<void>((resolve, reject) => {
    locks
      .request(`opencti-phone:${agentId}`, { signal: abort.signal }, () => {
        resolve();
        return held;
      })
      .catch((error: unknown) => reject(error instanceof Error ? error : new Error(String(error))));
  });
  acquired.catch(() => undefined);
  return {
    acquired,
    release() {
      abort.abort();
      release();
    },
  };
}
