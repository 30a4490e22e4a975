import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DIGEST_SETTINGS } from '../../sip/registrar/digest-policy.js';
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
const Digest = T.Union(
  DIGEST_SETTINGS.map((d) => T.Literal(d)),
  {
    description:
      'Digest algorithms challenged, most preferred first; md5 works with every phone, sha256 only with phones that support RFC 8760',
  },
);
const DigestOrInherit = T.Union([Digest, T.Null()], {
  description: 'null inherits (account → tenant → sip.digest)',
});
const PresentAnyIdentity = T.Boolean({
  description:
    'May put another user than its own in From (a PBX behind it). Default false: an INVITE whose From is not this username gets 403',
});

const SipSettingsSchema = T.Object(
  { digest: T.Union([Digest, T.Null()], { description: 'null = the server default (config sip.digest)' }) },
  { $id: 'SipSettings' },
);

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
    digest: DigestOrInherit,
    presentAnyIdentity: PresentAnyIdentity,
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
          {
            username: SipUsername,
            password: SipPassword,
            userId: T.Optional(Id),
            ...OutboundFields,
            digest: T.Optional(DigestOrInherit),
            presentAnyIdentity: T.Optional(PresentAnyIdentity),
          },
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
          'Set the password, enable/disable, link to a user, choose its digest or identity rule, or set the class of service and outbound limits',
        params: IdParams,
        body: T.Object(
          {
            password: T.Optional(SipPassword),
            enabled: T.Optional(T.Boolean()),
            userId: T.Optional(T.Union([Id, T.Null()])),
            ...OutboundFields,
            digest: T.Optional(DigestOrInherit),
            presentAnyIdentity: T.Optional(PresentAnyIdentity),
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
  app.get(
    '/api/v1/sip-settings',
    {
      schema: {
        tags,
        summary: "The tenant's SIP settings its accounts inherit (digest algorithms)",
        response: { 200: SipSettingsSchema, ...errorResponses },
      },
    },
    async (req) => svc.settings(ctxOf(req)),
  );
  app.patch(
    '/api/v1/sip-settings',
    {
      schema: {
        tags,
        summary: "Change the tenant's SIP settings (e.g. digest sha256+md5 for phones that support it)",
        body: T.Object(
          { digest: T.Optional(SipSettingsSchema.properties.digest) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: SipSettingsSchema, ...errorResponses },
      },
    },
    async (req) => svc.updateSettings(ctxOf(req), req.body as never),
  );
}
