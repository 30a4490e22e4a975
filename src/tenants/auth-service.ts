import { createHash, timingSafeEqual } from 'node:crypto';
import { SwbError } from '../kernel/errors.js';
import { newId, newSecret } from '../kernel/ids.js';
import { ApiKeysRepo } from '../storage/repositories/api-keys-repo.js';
import { RolesRepo } from '../storage/repositories/roles-repo.js';
import { SessionsRepo } from '../storage/repositories/sessions-repo.js';
import { TenantsRepo } from '../storage/repositories/tenants-repo.js';
import { toUser, UsersRepo } from '../storage/repositories/users-repo.js';
import type { RolesTable, TenantsTable, UsersTable } from '../storage/schema.js';
import type { TenantsDeps } from './context.js';
import { dummyHash, verifyPassword } from './password.js';
import type { Permission } from './permissions.js';
import type { Principal, User } from './types.js';

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** API key format shown once to the developer: `swb_<keyId>.<secret>`. Only sha256(secret) is stored. */
export function formatApiKey(id: string, secret: string): string {
  return `swb_${id}.${secret}`;
}

export function parseApiKey(token: string): { id: string; secret: string } | undefined {
  const m = /^swb_(key_[0-9a-z]{4,40})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** Per-source-address throttle: too many failed logins from one IP → 429 for a while. */
class IpThrottle {
  #fails = new Map<string, { count: number; since: number }>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  check(ip: string, now: number): void {
    const e = this.#fails.get(ip);
    if (e && now - e.since < this.windowMs && e.count >= this.max) throw new SwbError('SWB_RATE_LIMITED');
  }

  fail(ip: string, now: number): void {
    const e = this.#fails.get(ip);
    if (!e || now - e.since >= this.windowMs) this.#fails.set(ip, { count: 1, since: now });
    else e.count++;
    if (this.#fails.size > 100_000) this.#fails.clear(); // bounded memory under a spray attack
  }

  succeed(ip: string): void {
    this.#fails.delete(ip);
  }
}

export interface LoginResult {
  token: string;
  expiresAt: number;
  user: User;
  tenant: TenantsTable;
}

export class AuthService {
  readonly #ipThrottle: IpThrottle;

  constructor(private readonly deps: TenantsDeps) {
    this.#ipThrottle = new IpThrottle(deps.auth.maxFailedLogins * 4, deps.auth.failureWindowSeconds * 1000);
  }

  /**
   * Verifies a password login. Unknown tenant, unknown user, wrong password and disabled user all
   * answer SWB_BAD_CREDENTIALS after the same amount of hashing work (no account oracle). After
   * maxFailedLogins failures inside failureWindowSeconds the account is locked for lockoutSeconds.
   */
  async login(input: {
    tenant: string;
    username: string;
    password: string;
    ip: string | null;
  }): Promise<LoginResult> {
    const { db, clock, auth } = this.deps;
    const now = clock.now();
    const ip = input.ip ?? 'unknown';
    this.#ipThrottle.check(ip, now);
    const tenant = await new TenantsRepo(db).bySlug(input.tenant);
    const users = new UsersRepo(db);
    const user = tenant ? await users.byUsername(tenant.id, input.username) : undefined;
    if (!tenant || !user) {
      await verifyPassword(input.password, await dummyHash(auth.scryptCost));
      this.#ipThrottle.fail(ip, now);
      throw new SwbError('SWB_BAD_CREDENTIALS');
    }
    if (user.locked_until !== null && user.locked_until > now) {
      throw new SwbError('SWB_ACCOUNT_LOCKED', {
        retryAfterSeconds: Math.ceil((user.locked_until - now) / 1000),
      });
    }
    const ok = await verifyPassword(input.password, user.password_hash);
    if (!ok || user.status !== 'active' || tenant.status !== 'active') {
      this.#ipThrottle.fail(ip, now);
      if (!ok) await this.#recordFailure(user, now);
      if (ok && tenant.status !== 'active') throw new SwbError('SWB_TENANT_DISABLED');
      throw new SwbError('SWB_BAD_CREDENTIALS');
    }
    this.#ipThrottle.succeed(ip);
    if (user.failed_logins !== 0 || user.locked_until !== null) {
      await users.update(tenant.id, user.id, { failed_logins: 0, first_failed_at: null, locked_until: null });
    }
    const token = newSecret(32);
    const expiresAt = now + auth.sessionTtlSeconds * 1000;
    await new SessionsRepo(db).insert({
      id: newId('session'),
      tenant_id: tenant.id,
      user_id: user.id,
      token_hash: sha256(token),
      created_at: now,
      expires_at: expiresAt,
      last_seen_at: now,
      ip: input.ip,
    });
    this.deps.bus?.safeEmit('auth.login', { tenantId: tenant.id, userId: user.id, ip: input.ip, at: now });
    return { token, expiresAt, user: toUser({ ...user, failed_logins: 0, locked_until: null }), tenant };
  }

  async #recordFailure(user: UsersTable, now: number): Promise<void> {
    const { auth, db } = this.deps;
    const windowMs = auth.failureWindowSeconds * 1000;
    const fresh = user.first_failed_at === null || now - user.first_failed_at > windowMs;
    const count = fresh ? 1 : user.failed_logins + 1;
    const patch: Partial<UsersTable> = {
      failed_logins: count,
      first_failed_at: fresh ? now : user.first_failed_at,
    };
    if (count >= auth.maxFailedLogins) {
      patch.locked_until = now + auth.lockoutSeconds * 1000;
      patch.failed_logins = 0;
      patch.first_failed_at = null;
      this.deps.logger.warn(
        { tenantId: user.tenant_id, userId: user.id },
        'account locked after failed logins',
      );
      this.deps.bus?.safeEmit('auth.locked', {
        tenantId: user.tenant_id,
        userId: user.id,
        until: patch.locked_until,
        at: now,
      });
    }
    await new UsersRepo(db).update(user.tenant_id, user.id, patch);
  }

  async logout(token: string): Promise<void> {
    const sessions = new SessionsRepo(this.deps.db);
    const s = await sessions.byTokenHash(sha256(token));
    if (s) await sessions.delete(s.tenant_id, s.id);
  }

  /** Principal for a session cookie, or undefined if unknown/expired/disabled. */
  async principalFromSession(token: string): Promise<Principal | undefined> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const sessions = new SessionsRepo(db);
    const s = await sessions.byTokenHash(sha256(token));
    if (!s || s.expires_at <= now) return undefined;
    const user = await new UsersRepo(db).byId(s.tenant_id, s.user_id);
    if (!user || user.status !== 'active') return undefined;
    const tenant = await new TenantsRepo(db).byId(s.tenant_id);
    const role = await new RolesRepo(db).byId(s.tenant_id, user.role_id);
    if (!tenant || tenant.status !== 'active' || !role) return undefined;
    if (now - s.last_seen_at > 60_000) await sessions.touch(s.tenant_id, s.id, now);
    return principalOf(tenant, role, {
      type: 'user',
      id: user.id,
      userId: user.id,
      orgUnitId: user.org_unit_id,
    });
  }

  /** Principal for an API key (Authorization: Bearer swb_…), or undefined. */
  async principalFromApiKey(token: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(token);
    if (!parsed) return undefined;
    const { db, clock } = this.deps;
    const keys = new ApiKeysRepo(db);
    const k = await keys.byIdForAuth(parsed.id);
    if (!k || k.revoked_at !== null) return undefined;
    const a = Buffer.from(sha256(parsed.secret));
    const b = Buffer.from(k.key_hash);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
    const tenant = await new TenantsRepo(db).byId(k.tenant_id);
    const role = await new RolesRepo(db).byId(k.tenant_id, k.role_id);
    if (!tenant || tenant.status !== 'active' || !role) return undefined;
    const now = clock.now();
    if (k.last_used_at === null || now - k.last_used_at > 60_000) {
      await keys.update(k.tenant_id, k.id, { last_used_at: now });
    }
    return principalOf(tenant, role, { type: 'api_key', id: k.id, userId: null, orgUnitId: null });
  }
}

export function principalOf(
  tenant: TenantsTable,
  role: RolesTable,
  actor: { type: 'user' | 'api_key'; id: string; userId: string | null; orgUnitId: string | null },
): Principal {
  return {
    tenantId: tenant.id,
    tenantKind: tenant.kind,
    actorType: actor.type,
    actorId: actor.id,
    userId: actor.userId,
    roleId: role.id,
    scope: role.scope,
    permissions: new Set(JSON.parse(role.permissions) as Permission[]),
    orgUnitId: actor.orgUnitId,
  };
}
