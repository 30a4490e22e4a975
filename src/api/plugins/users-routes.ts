import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { UsersService } from '../../tenants/users-service.js';
import { ctxOf } from '../authn.js';
import { errorResponses, Id, IdParams, PageOf, PageQuery, Search } from '../schemas/common.js';
import { CreateUserBody, UpdateUserBody, UserSchema } from '../schemas/tenants.js';

type Q = { limit: number; cursor?: string; q?: string; status?: string; roleId?: string; orgUnitId?: string };

export function usersRoutes(app: FastifyInstance, svc: UsersService): void {
  const tags = ['users'];
  app.get(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'List users within your data scope',
        querystring: T.Object(
          {
            ...PageQuery,
            q: Search,
            status: T.Optional(T.Union([T.Literal('active'), T.Literal('disabled')])),
            roleId: T.Optional(Id),
            orgUnitId: T.Optional(Id),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(UserSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, cursor, ...filter } = req.query as Q;
      return svc.list(ctxOf(req), { limit, cursor }, filter);
    },
  );
  app.get(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: 'Get one user',
        params: IdParams,
        response: { 200: UserSchema, ...errorResponses },
      },
    },
    async (req) => svc.get(ctxOf(req), (req.params as IdParams).id),
  );
  app.post(
    '/api/v1/users',
    {
      schema: {
        tags,
        summary: 'Create a user (agent id / username chosen by the tenant)',
        body: CreateUserBody,
        response: { 201: UserSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.create(ctxOf(req), req.body as never)),
  );
  app.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: 'Update, disable, unlock or set the password of a user',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserSchema, ...errorResponses },
      },
    },
    async (req) => svc.update(ctxOf(req), (req.params as IdParams).id, req.body as never),
  );
  app.delete(
    '/api/v1/users/:id',
    {
      schema: {
        tags,
        summary: 'Delete a user',
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
