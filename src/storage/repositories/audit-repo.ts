import type { Kysely } from 'kysely';
import { type AuditEntry, iso } from '../../tenants/types.js';
import { decodeCursor, type Page, type PageRequest, toPage } from '../page.js';
import type { AuditLogTable, Database } from '../schema.js';

export function toAudit(r: AuditLogTable): AuditEntry {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    at: iso(r.at)!,
    actorType: r.actor_type,
    actorId: r.actor_id,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    before: r.before === null ? null : JSON.parse(r.before),
    after: r.after === null ? null : JSON.parse(r.after),
    requestId: r.request_id,
    ip: r.ip,
  };
}

export interface AuditFilter {
  resourceType?: string | undefined;
  resourceId?: string | undefined;
  actorId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

/** Append-only. Audit ids are time-ordered (see newAuditId) so id order is time order. */
export class AuditRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: AuditLogTable): Promise<void> {
    await this.db.insertInto('audit_log').values(row).execute();
  }

  async list(tenantId: string, page: PageRequest, f: AuditFilter): Promise<Page<AuditEntry>> {
    let qb = this.db.selectFrom('audit_log').selectAll().where('tenant_id', '=', tenantId);
    const after = decodeCursor(page.cursor);
    if (after) qb = qb.where('id', '>', after);
    if (f.resourceType) qb = qb.where('resource_type', '=', f.resourceType);
    if (f.resourceId) qb = qb.where('resource_id', '=', f.resourceId);
    if (f.actorId) qb = qb.where('actor_id', '=', f.actorId);
    if (f.from !== undefined) qb = qb.where('at', '>=', f.from);
    if (f.to !== undefined) qb = qb.where('at', '<', f.to);
    const rows = await qb
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    return toPage(rows, page.limit, toAudit);
  }
}
