import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiKeysService } from '../../tenants/api-keys-service.js';
import { ctxOf } from '../authn.js';
import { errorResponses, IdParams, PageOf, PageQuery } from '../schemas/common.js';
import { ApiKeySchema, CreateApiKeyBody, CreatedApiKeySchema } from '../schemas/tenants.js';

export function apiKeysRoutes(app: FastifyInstance, svc: ApiKeysService): void {
  const tags = ['api keys'];
  app.get(
    '/api/v1/api-keys',
    {
      schema: {
        tags,
        summary: 'List API keys (never their secrets)',
        querystring: T.Object(
          { ...PageQuery, includeRevoked: T.Optional(T.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(ApiKeySchema), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, cursor, includeRevoked } = req.query as {
        limit: number;
        cursor?: string;
        includeRevoked?: boolean;
      };
      return svc.list(ctxOf(req), { limit, cursor }, { includeRevoked: includeRevoked ?? false });
    },
  );
  app.get(
    '/api/v1/api-keys/:id',
    {
      schema: {
        tags,
        summary: 'Get one API key',
        params: IdParams,
        response: { 200: ApiKeySchema, ...errorResponses },
      },
    },
    async (req) => svc.get(ctxOf(req), (req.params as IdParams).id),
  );
  app.post(
    '/api/v1/api-keys',
    {
      schema: {
        tags,
        summary: 'Create an API key; the key is in this response only (stored hashed)',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKeySchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.create(ctxOf(req), req.body as never)),
  );
  app.delete(
    '/api/v1/api-keys/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 204: T.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await svc.revoke(ctxOf(req), (req.params as IdParams).id);
      return reply.status(204).send();
    },
  );
}
