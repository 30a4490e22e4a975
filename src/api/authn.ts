import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SwbError } from '../kernel/errors.js';
import type { AuthService } from '../tenants/auth-service.js';
import type { RequestContext } from '../tenants/context.js';
import type { Principal } from '../tenants/types.js';

export const SESSION_COOKIE = 'swb_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Route needs no authentication. */
    public?: boolean;
  }
}

/**
 * Resolves who is calling before anything else runs (so an anonymous caller learns nothing
 * from validation errors): `Authorization: Bearer swb_…` API key, or the session cookie.
 *
 * The decision is taken on the route the router matched, never on the raw URL: the router
 * percent-decodes (`/%61pi/v1/auth/me` is `/api/v1/auth/me` to it), so a test on `req.url`
 * let encoded paths reach handlers unauthenticated (issue 11, finding 7). Every matched route
 * needs a principal unless it is marked `config.public` (health, metrics, login, the docs
 * pages: see markPublic). Secure by default: a new route is protected without opting in.
 */
export function installAuthentication(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.url === undefined) return; // no route matched: the 404 handler answers
    if (req.routeOptions.config?.public) return;
    const header = req.headers.authorization;
    let principal: Principal | undefined;
    if (header?.startsWith('Bearer ')) {
      principal = await auth.principalFromApiKey(header.slice(7).trim());
    } else {
      const token = req.cookies?.[SESSION_COOKIE];
      if (token) principal = await auth.principalFromSession(token);
    }
    if (!principal) throw new SwbError('SWB_UNAUTHENTICATED');
    req.principal = principal;
    req.log = req.log.child({ tenantId: principal.tenantId });
  });
}

/**
 * Marks every route registered from now on under one of these prefixes public (used for the
 * interactive docs, whose routes a plugin registers without our config).
 */
export function markPublic(app: FastifyInstance, prefixes: readonly string[]): void {
  app.addHook('onRoute', (route) => {
    if (prefixes.some((p) => route.url === p || route.url.startsWith(`${p}/`)))
      route.config = { ...(route.config ?? {}), public: true };
  });
}

export function ctxOf(req: FastifyRequest): RequestContext {
  if (!req.principal) throw new SwbError('SWB_UNAUTHENTICATED');
  return { principal: req.principal, requestId: String(req.id), ip: req.ip ?? null };
}
