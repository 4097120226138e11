/**
 * Passwords of agents in production: long enough to resist guessing (logins are throttled, but a
 * stolen hash is not), and not derived from the agent id. Outside production any password goes,
 * so that demos and tests can use short ones.
 */
import type { preHandlerHookHandler } from 'fastify';
import { BAD_REQUEST, HttpError } from './errors.js';

export type PasswordPolicy = 'any' | 'strong';

export const MIN_PASSWORD_LENGTH = 12;

/** Why `password` is too weak for `agentId`, or undefined when it is acceptable. */
export function weakPassword(password: string, agentId: string | undefined): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (new Set(password).size < 4) return 'must use at least 4 different characters';
  if (agentId !== undefined && password.toLowerCase().includes(agentId.toLowerCase())) return 'must not contain the agent id';
  return undefined;
}

/**
 * preHandler of the agent routes (after schema validation): refuses a weak `password` in the body.
 * The route's pattern, not the request's URL, says whether it is an agent route: the router
 * decodes percent-escapes, so /api/%61gents/x reaches PATCH /api/agents/:agentId too.
 */
export function passwordPolicyHook(policy: PasswordPolicy): preHandlerHookHandler {
  return function checkPassword(request, _reply, done) {
    const body = request.body as { password?: unknown; agentId?: unknown } | undefined;
    if (policy === 'any' || typeof body?.password !== 'string' || !(request.routeOptions.url ?? '').startsWith('/api/agents')) return done();
    const agentId = (request.params as { agentId?: unknown } | undefined)?.agentId ?? body.agentId;
    const problem = weakPassword(body.password, typeof agentId === 'string' ? agentId : undefined);
    if (problem === undefined) return done();
    done(new HttpError(400, BAD_REQUEST, `body.password ${problem} (production password policy)`, [{ path: 'body.password', message: problem }]));
  };
}
