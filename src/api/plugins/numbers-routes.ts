import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { NumbersService } from '../../numbers/numbers-service.js';
import { ctxOf } from '../authn.js';
import { errorResponses, Id, IdParams, PageOf, PageQuery, Search } from '../schemas/common.js';
import {
  CreateNumberBody,
  NumberKind,
  PhoneNumberSchema,
  RouteTestBody,
  RouteTestResult,
  RulesBody,
  RulesList,
  UpdateNumberBody,
} from '../schemas/numbers.js';

type Q = { limit: number; cursor?: string; q?: string; kind?: string; trunkId?: string; enabled?: boolean };

export function numbersRoutes(app: FastifyInstance, svc: NumbersService): void {
  const tags = ['numbers'];
  app.get(
    '/api/v1/numbers',
    {
      schema: {
        tags,
        summary: 'List numbers (DIDs, 400/800 numbers, access numbers) of the tenant',
        querystring: T.Object(
          {
            ...PageQuery,
            q: Search,
            kind: T.Optional(NumberKind),
            trunkId: T.Optional(Id),
            enabled: T.Optional(T.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(PhoneNumberSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, cursor, ...filter } = req.query as Q;
      return svc.list(ctxOf(req), { limit, cursor }, filter as never);
    },
  );
  app.get(
    '/api/v1/numbers/:id',
    {
      schema: {
        tags,
        summary: 'Get one number',
        params: IdParams,
        response: { 200: PhoneNumberSchema, ...errorResponses },
      },
    },
    async (req) => svc.get(ctxOf(req), (req.params as IdParams).id),
  );
  app.post(
    '/api/v1/numbers',
    {
      schema: {
        tags,
        summary: 'Add a number (normalized to E.164; a number belongs to one tenant only)',
        body: CreateNumberBody,
        response: { 201: PhoneNumberSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.create(ctxOf(req), req.body as never)),
  );
  app.patch(
    '/api/v1/numbers/:id',
    {
      schema: {
        tags,
        summary: 'Change label, trunk, default entry point, time zone, access numbers or enable/disable',
        params: IdParams,
        body: UpdateNumberBody,
        response: { 200: PhoneNumberSchema, ...errorResponses },
      },
    },
    async (req) => svc.update(ctxOf(req), (req.params as IdParams).id, req.body as never),
  );
  app.delete(
    '/api/v1/numbers/:id',
    {
      schema: {
        tags,
        summary: 'Delete a number with its routing rules and access-number bindings',
        params: IdParams,
        response: { 204: T.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await svc.delete(ctxOf(req), (req.params as IdParams).id);
      return reply.status(204).send();
    },
  );
  app.get(
    '/api/v1/numbers/:id/routing-rules',
    {
      schema: {
        tags,
        summary: 'The ordered routing rules of a number',
        params: IdParams,
        response: { 200: RulesList, ...errorResponses },
      },
    },
    async (req) => svc.getRules(ctxOf(req), (req.params as IdParams).id),
  );
  app.put(
    '/api/v1/numbers/:id/routing-rules',
    {
      schema: {
        tags,
        summary: 'Replace the ordered routing rules of a number (first match wins)',
        params: IdParams,
        body: RulesBody,
        response: { 200: RulesList, ...errorResponses },
      },
    },
    async (req) =>
      svc.setRules(ctxOf(req), (req.params as IdParams).id, (req.body as { rules: never[] }).rules),
  );
  app.post(
    '/api/v1/numbers/route-test',
    {
      schema: {
        tags,
        summary: 'Dry run: which entry point a call from X to Y at time T reaches, and why',
        body: RouteTestBody,
        response: { 200: RouteTestResult, ...errorResponses },
      },
    },
    async (req) => svc.routeTest(ctxOf(req), req.body as never),
  );
}
