import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { SipAccountsService } from '../../tenants/sip-accounts-service.js';
import { ctxOf } from '../authn.js';
import { errorResponses, Id, IdParams, PageOf, PageQuery, Search, Timestamp } from '../schemas/common.js';

const SipUsername = T.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._+-]+$' });
const SipPassword = T.String({ minLength: 8, maxLength: 128 });
const ClassOfServiceSchema = T.Union(
  [T.Literal('internal'), T.Literal('national'), T.Literal('international')],
  {
    description:
      'Outside numbers the phone may dial over the trunk: internal (none but emergency), national (the trunk country), international (all)',
  },
);
const MaxConcurrent = T.Union([T.Integer({ minimum: 0, maximum: 1000 }), T.Null()], {
  description: 'Concurrent outbound trunk calls; null = config.outboundPolicy default; 0 = none',
});
const MaxPerMinute = T.Union([T.Integer({ minimum: 0, maximum: 10000 }), T.Null()], {
  description: 'Outbound trunk calls per sliding minute; null = config.outboundPolicy default; 0 = none',
});
const OutboundFields = {
  classOfService: T.Optional(ClassOfServiceSchema),
  maxConcurrentOutbound: T.Optional(MaxConcurrent),
  maxOutboundPerMinute: T.Optional(MaxPerMinute),
};

const SipAccountSchema = T.Object(
  {
    id: Id,
    tenantId: Id,
    username: T.String(),
    userId: T.Union([Id, T.Null()]),
    domain: T.String(),
    enabled: T.Boolean(),
    usable: T.Boolean({ description: 'false when the tenant SIP domain changed since the password was set' }),
    classOfService: ClassOfServiceSchema,
    maxConcurrentOutbound: MaxConcurrent,
    maxOutboundPerMinute: MaxPerMinute,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'SipAccount' },
);

export function sipAccountsRoutes(app: FastifyInstance, svc: SipAccountsService): void {
  const tags = ['sip accounts'];
  app.get(
    '/api/v1/sip-accounts',
    {
      schema: {
        tags,
        summary: 'SIP accounts phones and softphones register with (username@tenant SIP domain)',
        querystring: T.Object({ ...PageQuery, q: Search }, { additionalProperties: false }),
        response: { 200: PageOf(SipAccountSchema), ...errorResponses },
      },
    },
    async (req) => {
      const { limit, cursor, q } = req.query as { limit: number; cursor?: string; q?: string };
      return svc.list(ctxOf(req), { limit, cursor }, q ? { q } : {});
    },
  );
  app.get(
    '/api/v1/sip-accounts/:id',
    {
      schema: {
        tags,
        summary: 'Get one SIP account',
        params: IdParams,
        response: { 200: SipAccountSchema, ...errorResponses },
      },
    },
    async (req) => svc.get(ctxOf(req), (req.params as IdParams).id),
  );
  app.post(
    '/api/v1/sip-accounts',
    {
      schema: {
        tags,
        summary: 'Create a SIP account; the password is stored only as digest HA1s',
        body: T.Object(
          { username: SipUsername, password: SipPassword, userId: T.Optional(Id), ...OutboundFields },
          { additionalProperties: false },
        ),
        response: { 201: SipAccountSchema, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await svc.create(ctxOf(req), req.body as never)),
  );
  app.patch(
    '/api/v1/sip-accounts/:id',
    {
      schema: {
        tags,
        summary:
          'Set the password, enable/disable, link to a user, or set the class of service and outbound limits',
        params: IdParams,
        body: T.Object(
          {
            password: T.Optional(SipPassword),
            enabled: T.Optional(T.Boolean()),
            userId: T.Optional(T.Union([Id, T.Null()])),
            ...OutboundFields,
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: SipAccountSchema, ...errorResponses },
      },
    },
    async (req) => svc.update(ctxOf(req), (req.params as IdParams).id, req.body as never),
  );
  app.delete(
    '/api/v1/sip-accounts/:id',
    {
      schema: {
        tags,
        summary: 'Delete a SIP account and its registrations',
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
