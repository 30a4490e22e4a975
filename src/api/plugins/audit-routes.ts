import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { SwbError } from '../../kernel/errors.js';
import { AuditRepo } from '../../storage/repositories/audit-repo.js';
import type { Database } from '../../storage/schema.js';
import { requirePermission } from '../../tenants/authorize.js';
import { ctxOf } from '../authn.js';
import { errorResponses, PageOf, PageQuery } from '../schemas/common.js';
import { AuditEntrySchema } from '../schemas/tenants.js';

type Q = {
  limit: number;
  cursor?: string;
  resourceType?: string;
  resourceId?: string;
  actorId?: string;
  from?: string;
  to?: string;
};

function time(v: string | undefined, field: string): number | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new SwbError('SWB_VALIDATION', { field, reason: 'not a date-time' });
  return t;
}

export function auditRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  app.get(
    '/api/v1/audit-log',
    {
      schema: {
        tags: ['audit'],
        summary: 'Every configuration change: who, when, what, before and after (oldest first)',
        querystring: T.Object(
          {
            ...PageQuery,
            resourceType: T.Optional(T.String({ maxLength: 64 })),
            resourceId: T.Optional(T.String({ maxLength: 64 })),
            actorId: T.Optional(T.String({ maxLength: 64 })),
            from: T.Optional(T.String({ format: 'date-time' })),
            to: T.Optional(T.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: PageOf(AuditEntrySchema), ...errorResponses },
      },
    },
    async (req: FastifyRequest) => {
      const ctx = ctxOf(req);
      requirePermission(ctx.principal, 'audit:read');
      const q = req.query as Q;
      return new AuditRepo(db).list(
        ctx.principal.tenantId,
        { limit: q.limit, cursor: q.cursor },
        {
          resourceType: q.resourceType,
          resourceId: q.resourceId,
          actorId: q.actorId,
          from: time(q.from, 'from'),
          to: time(q.to, 'to'),
        },
      );
    },
  );
}
