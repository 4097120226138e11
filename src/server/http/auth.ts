/**
 * Bearer-token authentication. Two kinds of token exist:
 * - the admin token (one per server, from its configuration): everything under /api;
 * - an agent session token (issued by the WebSocket gateway at login): only what the desktop
 *   needs — customer reads and lookup, reads and updates of the agent's own interactions; the
 *   session token of an agent whose stored role is `supervisor` also reaches the statistics and
 *   the force operations (checked per request, so a role change counts at once).
 * A request knows who it is (its Identity): routes decide what that identity may see and change.
 * Tokens are compared in constant time (over their SHA-256, so lengths do not leak either).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AgentRole } from '../store/types.js';
import { forbidden, unauthorized } from './errors.js';

export type Role = 'admin' | 'agent';

/** Who a request is: the admin, or one logged-in agent. */
export type Identity = { readonly role: 'admin' } | { readonly role: 'agent'; readonly agentId: string };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook of routes that need a token. */
    identity?: Identity;
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** True when both strings are equal; the time taken does not depend on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The token of an `Authorization: Bearer <token>` header; throws 401 naming what is missing or wrong. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') {
    throw unauthorized('missing Authorization header: send "Authorization: Bearer <token>"');
  }
  const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
  if (match?.[1] === undefined) {
    throw unauthorized('the Authorization header must be "Bearer <token>"');
  }
  return match[1];
}

export interface Authenticator {
  /** Resolves to the caller's identity or throws 401; `allowed` lists the roles the route accepts. */
  check(request: FastifyRequest, allowed: readonly Role[]): Identity;
  /** The identity a token stands for, or undefined (rate limiting keys valid tokens by client). */
  identify(token: string): Identity | undefined;
}

/** `agentForToken` gives the agent id of a live session token (the gateway's sessions). */
export function createAuthenticator(adminToken: string, agentForToken?: (token: string) => string | undefined): Authenticator {
  if (adminToken.length === 0) throw new Error('the admin token must not be empty');
  const identify = (token: string): Identity | undefined => {
    if (constantTimeEqual(token, adminToken)) return { role: 'admin' };
    const agentId = agentForToken?.(token);
    return agentId === undefined ? undefined : { role: 'agent', agentId };
  };
  return {
    identify,
    check(request, allowed) {
      const identity = identify(bearerToken(request));
      if (identity !== undefined && allowed.includes(identity.role)) return identity;
      throw unauthorized(
        allowed.includes('agent')
          ? 'the bearer token is neither the admin token nor the token of a logged-in agent session'
          : 'the bearer token is not the admin token',
      );
    },
  };
}

/**
 * onRequest hook: the admin token, or the session token of an agent whose stored role is
 * supervisor; another agent's token is 403 naming what is missing.
 */
export function adminOrSupervisor(auth: Authenticator, roleOf: (agentId: string) => Promise<AgentRole | undefined>): onRequestHookHandler {
  return async function authenticate(request) {
    const identity = auth.check(request, ['admin', 'agent']);
    if (identity.role === 'agent' && (await roleOf(identity.agentId)) !== 'supervisor') {
      throw forbidden(`agent "${identity.agentId}" is not a supervisor: only supervisors and the administrator may do this`);
    }
    request.identity = identity;
  };
}
