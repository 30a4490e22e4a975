import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TrunksService } from '../../numbers/trunks-service.js';
import { ctxOf } from '../authn.js';
import { errorResponses, IdParams, PageOf, PageQuery, Search } from '../schemas/common.js';
import { CreateTrunkBody, TrunkSchema, UpdateTrunkBody } from '../schemas/numbers.js';

type Q = { limit: number; cursor?: string; q?: string; direction?: string; enabled?: boolean };

export function trunksRoutes(app: FastifyInstance, svc: TrunksService): void {
  const tags = ['trunks'];
  app.get(
    '/api/v1/trunks',
    {
      schema: {
        tags,
        summary: "List the tenant's SIP trunks with their registration status",
        querystring: T.Object(
          {
            ...PageQuery,
            q: Search,
            direction: T.Optional(T.Union([T.Literal('inbound'), T.Literal('outbound'), T.Literal('both')])),
            enabled: T.Optional(T.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(TrunkSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, cursor, ...filter } = req.query as Q;
      return svc.list(ctxOf(req), { limit, cursor }, filter as never);
    },
  );
  app.get(
    '/api/v1/trunks/:id',
    {
      schema: {
        tags,
        summary: 'Get one trunk (passwords are never returned)',
        params: IdParams,
        response: { 200: TrunkSchema, ...errorResponses },
      },
    },
    async (req) => svc.get(ctxOf(req), (req.params as IdParams).id),
  );
  app.post(
    '/api/v1/trunks',
    {
      schema: {
        tags,
        summary: 'Add a SIP trunk (IP-authenticated or digest inbound; optional registration outbound)',
        body: CreateTrunkBody,
        response: { 201: TrunkSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.create(ctxOf(req), req.body as never)),
  );
  app.patch(
    '/api/v1/trunks/:id',
    {
      schema: {
        tags,
        summary: 'Change a trunk',
        params: IdParams,
        body: UpdateTrunkBody,
        response: { 200: TrunkSchema, ...errorResponses },
      },
    },
    async (req) => svc.update(ctxOf(req), (req.params as IdParams).id, req.body as never),
  );
  app.delete(
    '/api/v1/trunks/:id',
    {
      schema: {
        tags,
        summary: 'Delete a trunk no number uses any more',
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
