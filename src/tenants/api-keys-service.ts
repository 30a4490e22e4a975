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

const MAX_KEY_LIFETIME_MS = 10 * 365.25 * 86_400_000;

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
    input: { name: string; roleId: string; expiresAt?: string | undefined },
  ): Promise<ApiKey & { key: string }> {
    requirePermission(ctx.principal, 'api_keys:manage');
    const tenantId = ctx.principal.tenantId;
    // a key carries at most the rights of whoever mints it: permissions and scope
    const role = await this.#guard.grantRole(ctx, 'api_key.create', input.roleId, {
      resourceType: 'api_key',
      resourceId: input.name,
    });
    const now = this.deps.clock.now();
    const { owner, expiresAt } = await this.#ownerAndExpiry(ctx, input.expiresAt, now);
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
      owner_user_id: owner,
      expires_at: expiresAt,
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

  /**
   * Who owns a new key and when it expires. A person's key is theirs; a key minted by a key
   * belongs to that key's owner and expires no later than it (else an expiring key could mint
   * itself an immortal successor). A system-made key (the demo seed) is tenant-level: no owner.
   */
  async #ownerAndExpiry(
    ctx: RequestContext,
    requested: string | undefined,
    now: number,
  ): Promise<{ owner: string | null; expiresAt: number | null }> {
    let expiresAt: number | null = null;
    if (requested !== undefined) {
      expiresAt = Date.parse(requested);
      if (!Number.isFinite(expiresAt) || expiresAt <= now)
        throw new SwbError('SWB_VALIDATION', { field: 'expiresAt', reason: 'must be a time in the future' });
      if (expiresAt > now + MAX_KEY_LIFETIME_MS)
        throw new SwbError('SWB_VALIDATION', { field: 'expiresAt', reason: 'at most 10 years ahead' });
    }
    const p = ctx.principal;
    if (p.actorType === 'user') return { owner: p.userId, expiresAt };
    if (p.actorType !== 'api_key') return { owner: null, expiresAt };
    const parent = await new ApiKeysRepo(this.deps.db).byId(p.tenantId, p.actorId);
    if (!parent) throw new SwbError('SWB_UNAUTHENTICATED');
    if (parent.expires_at !== null) {
      if (expiresAt !== null && expiresAt > parent.expires_at)
        throw new SwbError('SWB_VALIDATION', {
          field: 'expiresAt',
          reason: 'a key cannot outlive the key that creates it',
        });
      expiresAt ??= parent.expires_at;
    }
    return { owner: parent.owner_user_id, expiresAt };
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
