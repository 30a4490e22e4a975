import type { Kysely } from 'kysely';
import type {
  AccountOutboundSettings,
  OutboundPolicyStore,
  TenantOutboundSettings,
} from '../numbers/outbound-policy.js';
import type { DigestAlgorithm } from '../sip/registrar/digest-auth.js';
import { digestAlgorithms } from '../sip/registrar/digest-policy.js';
import type { Binding, LocationStore, SipUser, SipUserDirectory } from '../sip/registrar/ports.js';
import type { Database } from './schema.js';

/**
 * The SIP registrar's ports backed by the database: SIP accounts by (domain, username) and the
 * location service. Tenants are found by their SIP domain; nothing crosses tenants.
 */
export class DbSipUserDirectory implements SipUserDirectory {
  constructor(private readonly db: Kysely<Database>) {}

  async tenantOfDomain(domain: string): Promise<string | undefined> {
    const t = await this.db
      .selectFrom('tenants')
      .select(['id', 'status'])
      .where('sip_domain', '=', domain.toLowerCase())
      .executeTakeFirst();
    return t && t.status === 'active' ? t.id : undefined;
  }

  async lookup(domain: string, user: string): Promise<SipUser | undefined> {
    const d = domain.toLowerCase();
    const row = await this.db
      .selectFrom('sip_accounts')
      .innerJoin('tenants', 'tenants.id', 'sip_accounts.tenant_id')
      .select([
        'sip_accounts.tenant_id as tenant_id',
        'sip_accounts.id as id',
        'sip_accounts.user_id as user_id',
        'sip_accounts.realm as realm',
        'sip_accounts.ha1_md5 as ha1_md5',
        'sip_accounts.ha1_sha256 as ha1_sha256',
        'sip_accounts.enabled as enabled',
        'sip_accounts.digest as digest',
        'sip_accounts.present_any_identity as present_any_identity',
        'tenants.status as tenant_status',
        'tenants.sip_digest as tenant_digest',
      ])
      .where('tenants.sip_domain', '=', d)
      .where('sip_accounts.username', '=', user)
      .executeTakeFirst();
    if (!row || row.enabled !== 1 || row.tenant_status !== 'active' || row.realm !== d) return undefined;
    const algorithms = digestAlgorithms(row.digest) ?? digestAlgorithms(row.tenant_digest);
    return {
      tenantId: row.tenant_id,
      userId: row.user_id ?? row.id,
      ha1Md5: row.ha1_md5,
      ha1Sha256: row.ha1_sha256,
      ...(algorithms ? { algorithms } : {}),
      ...(row.present_any_identity === 1 ? { presentAnyIdentity: true } : {}),
    };
  }

  /**
   * One query whether or not the account exists (a left join), so a challenge costs the same
   * for every claimed user. An account's own choice shows in its challenge: see
   * docs/security.md#sip-digest-caller-identity-and-bad-sdp for what that tells a scanner and why it is opt-in.
   */
  async challengeAlgorithms(domain: string, user: string): Promise<DigestAlgorithm[] | undefined> {
    const row = await this.db
      .selectFrom('tenants')
      .leftJoin('sip_accounts', (j) =>
        j
          .onRef('sip_accounts.tenant_id', '=', 'tenants.id')
          .on('sip_accounts.username', '=', user)
          .on('sip_accounts.enabled', '=', 1),
      )
      .select(['tenants.sip_digest as tenant_digest', 'sip_accounts.digest as digest'])
      .where('tenants.sip_domain', '=', domain.toLowerCase())
      .executeTakeFirst();
    if (!row) return undefined;
    return digestAlgorithms(row.digest) ?? digestAlgorithms(row.tenant_digest);
  }
}

export class DbLocationStore implements LocationStore {
  constructor(private readonly db: Kysely<Database>) {}

  async lookup(tenantId: string, aor: string, now: number): Promise<Binding[]> {
    const rows = await this.db
      .selectFrom('sip_registrations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('aor', '=', aor.toLowerCase())
      .where('expires_at', '>', now)
      .execute();
    return rows.map((r) => {
      const b: Binding = {
        contact: r.contact,
        expiresAt: r.expires_at,
        callId: r.call_id,
        cseq: r.cseq,
        source: JSON.parse(r.source) as Binding['source'],
      };
      if (r.q !== null) b.q = r.q;
      if (r.user_agent !== null) b.userAgent = r.user_agent;
      return b;
    });
  }

  async save(tenantId: string, aor: string, bindings: Binding[]): Promise<void> {
    const key = aor.toLowerCase();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('sip_registrations')
        .where('tenant_id', '=', tenantId)
        .where('aor', '=', key)
        .execute();
      for (const b of bindings) {
        await trx
          .insertInto('sip_registrations')
          .values({
            tenant_id: tenantId,
            aor: key,
            contact: b.contact,
            expires_at: b.expiresAt,
            call_id: b.callId,
            cseq: b.cseq,
            q: b.q ?? null,
            source: JSON.stringify(b.source),
            user_agent: b.userAgent?.slice(0, 255) ?? null,
          })
          .execute();
      }
    });
  }

  async count(tenantId: string): Promise<number> {
    const r = await this.db
      .selectFrom('sip_registrations')
      .select((eb) => eb.fn.count<number>('aor').distinct().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Drops expired bindings; run periodically. */
  async purgeExpired(now: number): Promise<void> {
    await this.db.deleteFrom('sip_registrations').where('expires_at', '<=', now).execute();
  }
}

/**
 * The outbound (toll-fraud) policy's view of SIP accounts and tenants: class of service and
 * limits, read per trunk call so a change made through the API applies to the next call.
 */
export class DbOutboundPolicyStore implements OutboundPolicyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async account(tenantId: string, username: string): Promise<AccountOutboundSettings | undefined> {
    const r = await this.db
      .selectFrom('sip_accounts')
      .select(['class_of_service', 'max_concurrent_outbound', 'max_outbound_per_minute', 'enabled'])
      .where('tenant_id', '=', tenantId)
      .where('username', '=', username)
      .executeTakeFirst();
    if (!r || r.enabled !== 1) return undefined;
    const cls = r.class_of_service;
    return {
      // an unknown value (written by another version) is read as the narrowest class
      classOfService: cls === 'national' || cls === 'international' ? cls : 'internal',
      maxConcurrentOutbound: r.max_concurrent_outbound,
      maxOutboundPerMinute: r.max_outbound_per_minute,
    };
  }

  async tenant(tenantId: string): Promise<TenantOutboundSettings | undefined> {
    const r = await this.db
      .selectFrom('tenants')
      .select(['max_concurrent_outbound', 'max_outbound_per_minute', 'outbound_deny_prefixes'])
      .where('id', '=', tenantId)
      .executeTakeFirst();
    return r
      ? {
          maxConcurrentOutbound: r.max_concurrent_outbound,
          maxOutboundPerMinute: r.max_outbound_per_minute,
          denyPrefixes: JSON.parse(r.outbound_deny_prefixes) as string[],
        }
      : undefined;
  }
}
