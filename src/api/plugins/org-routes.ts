import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { OrgService } from '../../tenants/org-service.js';
import { ctxOf } from '../authn.js';
import { errorResponses, Id, IdParams, PageOf, PageQuery, Search } from '../schemas/common.js';
import { CreateOrgUnitBody, OrgUnitSchema, UpdateOrgUnitBody } from '../schemas/tenants.js';

export function orgRoutes(app: FastifyInstance, svc: OrgService): void {
  const tags = ['organisation'];
  app.get(
    '/api/v1/org-units',
    {
      schema: {
        tags,
        summary: 'Centers and groups (业务组) within your data scope',
        querystring: T.Object(
          {
            ...PageQuery,
            q: Search,
            parentId: T.Optional(Id),
            kind: T.Optional(T.Union([T.Literal('center'), T.Literal('group')])),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(OrgUnitSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, cursor, ...f } = req.query as { limit: number; cursor?: string };
      return svc.list(ctxOf(req), { limit, cursor }, f);
    },
  );
  app.get(
    '/api/v1/org-units/:id',
    {
      schema: {
        tags,
        summary: 'Get one center or group',
        params: IdParams,
        response: { 200: OrgUnitSchema, ...errorResponses },
      },
    },
    async (req) => svc.get(ctxOf(req), (req.params as IdParams).id),
  );
  app.post(
    '/api/v1/org-units',
    {
      schema: {
        tags,
        summary: 'Create a center, or a group inside a center',
        body: CreateOrgUnitBody,
        response: { 201: OrgUnitSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.create(ctxOf(req), req.body as never)),
  );
  app.patch(
    '/api/v1/org-units/:id',
    {
      schema: {
        tags,
        summary: 'Rename a center or group',
        params: IdParams,
        body: UpdateOrgUnitBody,
        response: { 200: OrgUnitSchema, ...errorResponses },
      },
    },
    async (req) => svc.update(ctxOf(req), (req.params as IdParams).id, req.body as never),
  );
  app.delete(
    '/api/v1/org-units/:id',
    {
      schema: {
        tags,
        summary: 'Delete an empty center or group',
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
