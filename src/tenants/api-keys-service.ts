import { SwbError } from '../kernel/errors.js';
import { newId, newSecret } from '../kernel/ids.js';
import type { Page, PageRequest } from '../storage/page.js';
import { ApiKeysRepo, toApiKey } from '../storage/repositories/api-keys-repo.js';
import type { ApiKeysTable } from '../storage/schema.js';
import { auditedTransaction, recordAudit } from './audit.js';
import { formatApiKey, sha256 } from './auth-service.js';
import { requirePermission } from './authorize.js';
import type { RequestContext, TenantsDeps } from './context.js';
import { AccessGuard } from './escalation.js';
import type { ApiKey } from './types.js';

export class ApiKeysService {
  readonly #guard: AccessGuard;

  constructor(private readonly deps: TenantsDeps) {
    this.#guard = new AccessGuard(deps);
  }

  async list(ctx: RequestContext, page: PageRequest, f: { includeRevoked?: boolean }): Promise<Page<ApiKey>> {
    requirePermission(ctx.principal, 'api_keys:manage');
    return new ApiKeysRepo(this.deps.db).list(ctx.principal.tenantId, page, f);
  }

  async get(ctx: RequestContext, id: string): Promise<ApiKey> {
    requirePermission(ctx.principal, 'api_keys:manage');
    const row = await new ApiKeysRepo(this.deps.db).byId(ctx.principal.tenantId, id);
    if (!row) throw new SwbError('SWB_NOT_FOUND', { resource: 'API key' });
    return toApiKey(row);
  }

  /** Returns the key once, in clear; only its hash is stored. */
  async create(
    ctx: RequestContext,
    input: { name: string; roleId: string },
  ): Promise<ApiKey & { key: string }> {
    requirePermission(ctx.principal, 'api_keys:manage');
    const tenantId = ctx.principal.tenantId;
    // a key carries at most the rights of whoever mints it: permissions and scope
    const role = await this.#guard.grantRole(ctx, 'api_key.create', input.roleId, {
      resourceType: 'api_key',
      resourceId: input.name,
    });
    const now = this.deps.clock.now();
    const secret = newSecret(32);
    const row: ApiKeysTable = {
      id: newId('apiKey'),
      tenant_id: tenantId,
      name: input.name,
      key_hash: sha256(secret),
      role_id: role.id,
      created_by: ctx.principal.actorId,
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    };
    await auditedTransaction(this.deps, async (trx) => {
      await new ApiKeysRepo(trx).insert(row);
      await recordAudit(trx, ctx, now, {
        tenantId,
        action: 'create',
        resourceType: 'api_key',
        resourceId: row.id,
        after: toApiKey(row),
      });
    });
    return { ...toApiKey(row), key: formatApiKey(row.id, secret) };
  }

  async revoke(ctx: RequestContext, id: string): Promise<void> {
    requirePermission(ctx.principal, 'api_keys:manage');
    const tenantId = ctx.principal.tenantId;
    const before = await new ApiKeysRepo(this.deps.db).byId(tenantId, id);
    if (!before || before.revoked_at !== null) throw new SwbError('SWB_NOT_FOUND', { resource: 'API key' });
    // revoking a key that holds more than you is acting above your rights
    await this.#guard.grantRole(ctx, 'api_key.revoke', before.role_id, {
      resourceType: 'api_key',
      resourceId: id,
    });
    const now = this.deps.clock.now();
    await auditedTransaction(this.deps, async (trx) => {
      await new ApiKeysRepo(trx).update(tenantId, id, { revoked_at: now });
      await recordAudit(trx, ctx, now, {
        tenantId,
        action: 'delete',
        resourceType: 'api_key',
        resourceId: id,
        before: toApiKey(before),
        after: toApiKey({ ...before, revoked_at: now }),
      });
    });
  }
}
