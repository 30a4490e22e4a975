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
 */
export function installAuthentication(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.config?.public || !req.url.startsWith('/api/') || req.url.startsWith('/api/v1/docs'))
      return;
    if (req.routeOptions.url === undefined) return; // unknown route: the 404 handler answers
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

export function ctxOf(req: FastifyRequest): RequestContext {
  if (!req.principal) throw new SwbError('SWB_UNAUTHENTICATED');
  return { principal: req.principal, requestId: String(req.id), ip: req.ip ?? null };
}
