import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { toTenant } from '../../storage/repositories/tenants-repo.js';
import type { AuthService } from '../../tenants/auth-service.js';
import { ctxOf, SESSION_COOKIE } from '../authn.js';
import { ErrorBody } from '../schemas/common.js';
import { LoginBody, TenantSchema, UserSchema } from '../schemas/tenants.js';

export interface AuthRoutesOptions {
  auth: AuthService;
  cookieSecure: boolean;
}

export function authRoutes(app: FastifyInstance, opts: AuthRoutesOptions): void {
  const Session = T.Object({
    user: UserSchema,
    tenant: TenantSchema,
    expiresAt: T.String({ format: 'date-time' }),
  });
  app.post(
    '/api/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Log in with tenant, username and password; sets the session cookie',
        body: LoginBody,
        response: { 200: Session, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const body = req.body as { tenant: string; username: string; password: string };
      const r = await opts.auth.login({ ...body, ip: req.ip ?? null });
      reply.setCookie(SESSION_COOKIE, r.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.cookieSecure,
        expires: new Date(r.expiresAt),
      });
      return { user: r.user, tenant: toTenant(r.tenant), expiresAt: new Date(r.expiresAt).toISOString() };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'End the session', response: { 204: T.Null() } },
    },
    async (req, reply) => {
      const token = req.cookies?.[SESSION_COOKIE];
      if (token) await opts.auth.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who am I: tenant, actor, role, permissions',
        response: {
          200: T.Object({
            tenantId: T.String(),
            actorType: T.String(),
            actorId: T.String(),
            userId: T.Union([T.String(), T.Null()]),
            roleId: T.String(),
            scope: T.String(),
            permissions: T.Array(T.String()),
          }),
          401: ErrorBody,
        },
      },
    },
    async (req) => {
      const p = ctxOf(req).principal; // 401, never a TypeError, should a route ever lack a principal
      return {
        tenantId: p.tenantId,
        actorType: p.actorType,
        actorId: p.actorId,
        userId: p.userId,
        roleId: p.roleId,
        scope: p.scope,
        permissions: [...p.permissions].sort(),
      };
    },
  );
}
