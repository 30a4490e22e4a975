import { createHash, timingSafeEqual } from 'node:crypto';
import { SwbError } from '../kernel/errors.js';
import { newId, newSecret } from '../kernel/ids.js';
import { ApiKeysRepo } from '../storage/repositories/api-keys-repo.js';
import { RolesRepo } from '../storage/repositories/roles-repo.js';
import { SessionsRepo } from '../storage/repositories/sessions-repo.js';
import { TenantsRepo } from '../storage/repositories/tenants-repo.js';
import { toUser, UsersRepo } from '../storage/repositories/users-repo.js';
import type { RolesTable, TenantsTable } from '../storage/schema.js';
import type { TenantsDeps } from './context.js';
import { LoginThrottle } from './login-throttle.js';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from './password.js';
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

export interface LoginResult {
  token: string;
  expiresAt: number;
  user: User;
  tenant: TenantsTable;
}

export class AuthService {
  readonly #throttle: LoginThrottle;

  constructor(private readonly deps: TenantsDeps) {
    this.#throttle = new LoginThrottle(deps);
  }

  /**
   * Verifies a password login. The attempt is counted first (src/tenants/login-throttle.ts), so
   * a throttled caller gets 429 without any hashing and the same 429 whether or not the account
   * exists. Then unknown tenant, unknown user, wrong password and disabled user all answer
   * SWB_BAD_CREDENTIALS after the same query and the same hashing work (no account oracle).
   */
  async login(input: {
    tenant: string;
    username: string;
    password: string;
    ip: string | null;
  }): Promise<LoginResult> {
    const { db, clock, auth } = this.deps;
    const ticket = await this.#throttle.admit(input.tenant, input.username, input.ip);
    const users = new UsersRepo(db);
    const found = await users.forLogin(input.tenant, input.username);
    const stored = found?.password_hash ?? (await dummyHash(auth.scryptCost));
    const ok = (await verifyPassword(input.password, stored)) && found !== undefined;
    if (!found || !ok || found.status !== 'active') throw new SwbError('SWB_BAD_CREDENTIALS');
    // only someone holding the right password learns that the tenant is disabled
    if (found.tenant_status !== 'active') throw new SwbError('SWB_TENANT_DISABLED');
    const tenant = await new TenantsRepo(db).byId(found.tenant_id);
    if (!tenant) throw new SwbError('SWB_BAD_CREDENTIALS');
    const { tenant_status: _, ...user } = found;
    if (needsRehash(user.password_hash, auth.scryptCost)) {
      const password_hash = await hashPassword(input.password, auth.scryptCost);
      await users.update(tenant.id, user.id, { password_hash });
    }
    const now = clock.now();
    const token = newSecret(32);
    const expiresAt = now + auth.sessionTtlSeconds * 1000;
    await db.transaction().execute(async (trx) => {
      await this.#throttle.succeeded(ticket, trx);
      await new SessionsRepo(trx).insert({
        id: newId('session'),
        tenant_id: tenant.id,
        user_id: user.id,
        token_hash: sha256(token),
        created_at: now,
        expires_at: expiresAt,
        last_seen_at: now,
        ip: input.ip,
      });
    });
    this.deps.bus?.safeEmit('auth.login', { tenantId: tenant.id, userId: user.id, ip: input.ip, at: now });
    return { token, expiresAt, user: toUser(user), tenant };
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
    const now = clock.now();
    if (k.expires_at !== null && k.expires_at <= now) return undefined;
    // A key dies with its owner: a disabled or deleted user's keys (and the keys those keys
    // minted, which belong to the same owner) are refused, whatever revocation did or missed.
    if (k.owner_user_id !== null) {
      const owner = await new UsersRepo(db).byId(k.tenant_id, k.owner_user_id);
      if (!owner || owner.status !== 'active') return undefined;
    }
    const tenant = await new TenantsRepo(db).byId(k.tenant_id);
    const role = await new RolesRepo(db).byId(k.tenant_id, k.role_id);
    if (!tenant || tenant.status !== 'active' || !role) return undefined;
    // at most one write a minute per key: the hot path stays a read
    if (k.last_used_at === null || now - k.last_used_at >= 60_000) {
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
