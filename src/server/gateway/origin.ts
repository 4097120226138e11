/**
 * The Origin check of /cti upgrades. Browsers always send Origin, so with a list configured a page
 * of another site cannot open the CTI socket in the agent's browser. Clients that are not
 * browsers (the Node connector, tools) send none and are let through: the login still applies.
 */

/** `scheme://host[:port]` as browsers send it: lower case, default port and any path dropped. */
export function normalizeOrigin(origin: string): string {
  try {
    const url = new URL(origin);
    if (url.origin !== 'null') return url.origin;
  } catch {
    // "null" (sandboxed frames, file: pages) and other opaque values are compared as written
  }
  return origin.trim().toLowerCase();
}

/** Whether an upgrade with this Origin header may proceed; every origin when `allowed` is undefined. */
export function originPolicy(allowed: readonly string[] | undefined): (origin: string | undefined) => boolean {
  if (allowed === undefined) return () => true;
  const set = new Set(allowed.map(normalizeOrigin));
  return (origin) => origin === undefined || set.has(normalizeOrigin(origin));
}
