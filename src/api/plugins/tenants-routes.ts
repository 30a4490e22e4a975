import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TenantsDeps } from '../../tenants/context.js';
import { deleteTenant, type TenantsService } from '../../tenants/tenants-service.js';
import { ctxOf } from '../authn.js';
import { errorResponses, IdParams, PageOf, PageQuery, Search } from '../schemas/common.js';
import { CreateTenantBody, TenantSchema, UpdateTenantBody } from '../schemas/tenants.js';

type Q = { limit: number; cursor?: string; q?: string; status?: string };

export function tenantsRoutes(app: FastifyInstance, svc: TenantsService, deps: TenantsDeps): void {
  const tags = ['tenants'];
  app.get(
    '/api/v1/tenants',
    {
      schema: {
        tags,
        summary: 'List tenants (the platform operator sees all; a client sees its own)',
        querystring: T.Object(
          {
            ...PageQuery,
            q: Search,
            status: T.Optional(T.Union([T.Literal('active'), T.Literal('disabled')])),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(TenantSchema), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query as Q;
      return svc.list(ctxOf(req), { limit: q.limit, cursor: q.cursor }, {
        q: q.q,
        status: q.status,
      } as never);
    },
  );
  app.get(
    '/api/v1/tenants/:id',
    {
      schema: {
        tags,
        summary: 'Get one tenant',
        params: IdParams,
        response: { 200: TenantSchema, ...errorResponses },
      },
    },
    async (req) => svc.get(ctxOf(req), (req.params as IdParams).id),
  );
  app.post(
    '/api/v1/tenants',
    {
      schema: {
        tags,
        summary: 'Create a client tenant with the built-in roles and optionally its first admin',
        body: CreateTenantBody,
        response: { 201: TenantSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const t = await svc.create(ctxOf(req), req.body as never);
      return reply.status(201).send(t);
    },
  );
  app.patch(
    '/api/v1/tenants/:id',
    {
      schema: {
        tags,
        summary: 'Rename, disable or re-zone a tenant',
        params: IdParams,
        body: UpdateTenantBody,
        response: { 200: TenantSchema, ...errorResponses },
      },
    },
    async (req) => svc.update(ctxOf(req), (req.params as IdParams).id, req.body as never),
  );
  app.delete(
    '/api/v1/tenants/:id',
    {
      schema: {
        tags,
        summary: 'Delete a disabled client tenant and all its data',
        params: IdParams,
        response: { 204: T.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await deleteTenant(deps, ctxOf(req), (req.params as IdParams).id);
      return reply.status(204).send();
    },
  );
}
