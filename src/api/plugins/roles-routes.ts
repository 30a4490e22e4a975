import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PERMISSIONS } from '../../tenants/permissions.js';
import type { RolesService } from '../../tenants/roles-service.js';
import { ctxOf } from '../authn.js';
import { errorResponses, IdParams, PageOf, PageQuery, Search } from '../schemas/common.js';
import { CreateRoleBody, RoleSchema, UpdateRoleBody } from '../schemas/tenants.js';

export function rolesRoutes(app: FastifyInstance, svc: RolesService): void {
  const tags = ['roles'];
  app.get(
    '/api/v1/permissions',
    {
      schema: {
        tags,
        summary: 'Every permission a role can grant',
        response: { 200: T.Object({ items: T.Array(T.String()) }) },
      },
    },
    async () => ({ items: [...PERMISSIONS] }),
  );
  app.get(
    '/api/v1/roles',
    {
      schema: {
        tags,
        summary: 'List built-in and custom roles',
        querystring: T.Object({ ...PageQuery, q: Search }, { additionalProperties: false }),
        response: { 200: PageOf(RoleSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, cursor, q } = req.query as { limit: number; cursor?: string; q?: string };
      return svc.list(ctxOf(req), { limit, cursor }, { q } as never);
    },
  );
  app.get(
    '/api/v1/roles/:id',
    {
      schema: {
        tags,
        summary: 'Get one role',
        params: IdParams,
        response: { 200: RoleSchema, ...errorResponses },
      },
    },
    async (req) => svc.get(ctxOf(req), (req.params as IdParams).id),
  );
  app.post(
    '/api/v1/roles',
    {
      schema: {
        tags,
        summary: 'Create a custom role',
        body: CreateRoleBody,
        response: { 201: RoleSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.create(ctxOf(req), req.body as never)),
  );
  app.patch(
    '/api/v1/roles/:id',
    {
      schema: {
        tags,
        summary: 'Update a custom role',
        params: IdParams,
        body: UpdateRoleBody,
        response: { 200: RoleSchema, ...errorResponses },
      },
    },
    async (req) => svc.update(ctxOf(req), (req.params as IdParams).id, req.body as never),
  );
  app.delete(
    '/api/v1/roles/:id',
    {
      schema: {
        tags,
        summary: 'Delete an unused custom role',
        params: IdParams,
        response: { 204: T.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await svc.delete(ctxOf(req), (req.params as IdParams).id);
      return reply.status(204).send();
    },
  );
}
