import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TrunkApprovalsService } from '../../numbers/trunk-approvals-service.js';
import { ctxOf } from '../authn.js';
import { errorResponses, Id, Timestamp } from '../schemas/common.js';

const NullableString = T.Union([T.String(), T.Null()]);

const Approval = T.Object(
  {
    id: Id,
    tenantId: Id,
    cidr: T.String({ description: 'Canonical range, e.g. 203.0.113.0/24 (an address alone is /32 or /128)' }),
    note: NullableString,
    approvedBy: T.String(),
    createdAt: Timestamp,
  },
  { $id: 'TrunkSourceApproval' },
);
const TenantParams = T.Object({ tenantId: Id }, { additionalProperties: false });
const ApprovalParams = T.Object({ tenantId: Id, id: Id }, { additionalProperties: false });

export function trunkApprovalsRoutes(app: FastifyInstance, svc: TrunkApprovalsService): void {
  const tags = ['trunks'];
  const base = '/api/v1/tenants/:tenantId/trunk-source-approvals';
  app.get(
    base,
    {
      schema: {
        tags,
        summary: "Address ranges the platform operator approved for the tenant's IP trunks",
        params: TenantParams,
        response: { 200: T.Object({ items: T.Array(Approval) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await svc.list(ctxOf(req), (req.params as { tenantId: string }).tenantId) }),
  );
  app.post(
    base,
    {
      schema: {
        tags,
        summary:
          'Approve an address range (any port) or a shared source for a tenant’s IP trunks (platform operator only)',
        params: TenantParams,
        body: T.Object(
          {
            cidr: T.String({ minLength: 2, maxLength: 64, description: 'IP address or CIDR range' }),
            note: T.Optional(T.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Approval, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { tenantId } = req.params as { tenantId: string };
      return reply.status(201).send(await svc.create(ctxOf(req), tenantId, req.body as never));
    },
  );
  app.delete(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Withdraw an approval (trunk sources inside it stop being trusted at once)',
        params: ApprovalParams,
        response: { 204: T.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { tenantId, id } = req.params as { tenantId: string; id: string };
      await svc.delete(ctxOf(req), tenantId, id);
      return reply.status(204).send();
    },
  );
}
