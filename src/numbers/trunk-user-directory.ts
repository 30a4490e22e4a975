import type { Kysely } from 'kysely';
import type { SipUser, SipUserDirectory } from '../sip/registrar/ports.js';
import type { Database } from '../storage/schema.js';

/**
 * The SIP user directory seen by the authenticator, extended with digest-authenticated inbound
 * trunks: a carrier that authenticates with a username/password is found by its inbound
 * username in the tenant owning the SIP domain (the digest realm). SIP accounts win on a clash.
 * The resulting identity's userId is the trunk id (trk_…), so the router treats the call as a
 * trunk call (routing by called number).
 */
export class TrunkAwareUserDirectory implements SipUserDirectory {
  constructor(
    private readonly inner: SipUserDirectory,
    private readonly db: Kysely<Database>,
  ) {}

  tenantOfDomain(domain: string): Promise<string | undefined> | string | undefined {
    return this.inner.tenantOfDomain?.(domain);
  }

  challengeAlgorithms(domain: string, user: string) {
    return this.inner.challengeAlgorithms?.(domain, user);
  }

  async lookup(domain: string, user: string): Promise<SipUser | undefined> {
    const account = await this.inner.lookup(domain, user);
    if (account) return account;
    const row = await this.db
      .selectFrom('trunks')
      .innerJoin('tenants', 'tenants.id', 'trunks.tenant_id')
      .select([
        'trunks.id as id',
        'trunks.tenant_id as tenant_id',
        'trunks.inbound_ha1_md5 as ha1_md5',
        'trunks.inbound_ha1_sha256 as ha1_sha256',
      ])
      .where('tenants.sip_domain', '=', domain.toLowerCase())
      .where('tenants.status', '=', 'active')
      .where('trunks.inbound_username', '=', user)
      .where('trunks.inbound_auth', '=', 'digest')
      .where('trunks.enabled', '=', 1)
      .where('trunks.direction', '!=', 'outbound')
      .executeTakeFirst();
    if (!row?.ha1_md5 || !row.ha1_sha256) return undefined;
    // a carrier's From is its caller's number, not its username
    return {
      tenantId: row.tenant_id,
      userId: row.id,
      ha1Md5: row.ha1_md5,
      ha1Sha256: row.ha1_sha256,
      presentAnyIdentity: true,
    };
  }
}
