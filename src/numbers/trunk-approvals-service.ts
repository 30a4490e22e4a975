/**
 * Operator approvals of trunk source ranges (issue 11, finding 5). A tenant admin can trust only
 * exact address:port pairs; an address range, an address with any port, or a source another
 * tenant already trusts (one carrier SBC serving several tenants) needs the platform operator to
 * approve it for the tenant first. Tenants can read their own approvals.
 */
import { SwbError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { TenantsRepo } from '../storage/repositories/tenants-repo.js';
import { TrunkApprovalsRepo } from '../storage/repositories/trunk-approvals-repo.js';
import type { TrunkSourceApprovalsTable } from '../storage/schema.js';
import { auditedTransaction, recordAudit } from '../tenants/audit.js';
import { requirePermission } from '../tenants/authorize.js';
import type { RequestContext, TenantsDeps } from '../tenants/context.js';
import { iso, type Principal } from '../tenants/types.js';
import { formatCidr, parseCidr } from './cidr.js';

export interface TrunkSourceApproval {
  id: string;
  tenantId: string;
  cidr: string;
  note: string | null;
  approvedBy: string;
  createdAt: string;
}

function toApproval(r: TrunkSourceApprovalsTable): TrunkSourceApproval {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    cidr: r.cidr,
    note: r.note,
    approvedBy: r.approved_by,
    createdAt: iso(r.created_at)!,
  };
}

/** The system, or a platform-operator principal holding tenants:manage. */
function isOperator(p: Principal): boolean {
  return p.actorType === 'system' || (p.tenantKind === 'platform' && p.permissions.has('tenants:manage'));
}

export class TrunkApprovalsService {
  constructor(private readonly deps: TenantsDeps) {}

  async #tenant(ctx: RequestContext, tenantId: string): Promise<void> {
    const p = ctx.principal;
    const own = p.tenantId === tenantId;
    if (!isOperator(p) && !own) throw new SwbError('SWB_NOT_FOUND', { resource: 'Tenant' });
    if (!(await new TenantsRepo(this.deps.db).byId(tenantId))) {
      throw new SwbError('SWB_NOT_FOUND', { resource: 'Tenant' });
    }
  }

  async list(ctx: RequestContext, tenantId: string): Promise<TrunkSourceApproval[]> {
    await this.#tenant(ctx, tenantId);
    if (!isOperator(ctx.principal)) requirePermission(ctx.principal, 'config:manage');
    return (await new TrunkApprovalsRepo(this.deps.db).list(tenantId)).map(toApproval);
  }

  async create(
    ctx: RequestContext,
    tenantId: string,
    input: { cidr: string; note?: string | undefined },
  ): Promise<TrunkSourceApproval> {
    if (!isOperator(ctx.principal)) throw new SwbError('SWB_FORBIDDEN', { permission: 'tenants:manage' });
    await this.#tenant(ctx, tenantId);
    const c = parseCidr(input.cidr);
    if (!c)
      throw new SwbError('SWB_TRUNK_INVALID', { field: 'cidr', reason: 'not an IP address or CIDR range' });
    const now = this.deps.clock.now();
    const row: TrunkSourceApprovalsTable = {
      id: newId('trunkSourceApproval'),
      tenant_id: tenantId,
      cidr: formatCidr(c),
      note: input.note ?? null,
      approved_by: ctx.principal.actorId,
      created_at: now,
    };
    await auditedTransaction(this.deps, async (trx) => {
      const repo = new TrunkApprovalsRepo(trx);
      if ((await repo.list(tenantId)).some((a) => a.cidr === row.cidr)) {
        throw new SwbError('SWB_CONFLICT', { resource: 'Trunk source approval' });
      }
      await repo.insert(row);
      await recordAudit(trx, ctx, now, {
        tenantId,
        action: 'create',
        resourceType: 'trunk-source-approval',
        resourceId: row.id,
        after: toApproval(row),
      });
    });
    return toApproval(row);
  }

  /** Withdrawing an approval stops the trust at once (the SIP index reloads on config.changed). */
  async delete(ctx: RequestContext, tenantId: string, id: string): Promise<void> {
    if (!isOperator(ctx.principal)) throw new SwbError('SWB_FORBIDDEN', { permission: 'tenants:manage' });
    await this.#tenant(ctx, tenantId);
    const before = await new TrunkApprovalsRepo(this.deps.db).byId(tenantId, id);
    if (!before) throw new SwbError('SWB_NOT_FOUND', { resource: 'Trunk source approval' });
    const now = this.deps.clock.now();
    await auditedTransaction(this.deps, async (trx) => {
      await new TrunkApprovalsRepo(trx).delete(tenantId, id);
      await recordAudit(trx, ctx, now, {
        tenantId,
        action: 'delete',
        resourceType: 'trunk-source-approval',
        resourceId: id,
        before: toApproval(before),
      });
    });
  }
}
