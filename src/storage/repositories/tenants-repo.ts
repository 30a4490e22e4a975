import type { Kysely } from 'kysely';
import { iso, type Tenant } from '../../tenants/types.js';
import { decodeCursor, likePattern, type Page, type PageRequest, toPage } from '../page.js';
import type { Database, TenantsTable } from '../schema.js';

export function toTenant(r: TenantsTable): Tenant {
  return {
    id: r.id,
    name: r.name,
    slug: r.slug,
    kind: r.kind,
    status: r.status,
    timeZone: r.time_zone,
    sipDomain: r.sip_domain,
    maxConcurrentOutbound: r.max_concurrent_outbound,
    maxOutboundPerMinute: r.max_outbound_per_minute,
    outboundDenyPrefixes: JSON.parse(r.outbound_deny_prefixes) as string[],
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/** Tenants are the one table not scoped by tenant_id: only the platform operator lists them. */
export class TenantsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: TenantsTable): Promise<void> {
    await this.db.insertInto('tenants').values(row).execute();
  }

  async byId(id: string): Promise<TenantsTable | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async bySlug(slug: string): Promise<TenantsTable | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  async bySipDomain(domain: string): Promise<TenantsTable | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('sip_domain', '=', domain).executeTakeFirst();
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('tenants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async list(page: PageRequest, filter: { q?: string; status?: string }): Promise<Page<Tenant>> {
    let qb = this.db.selectFrom('tenants').selectAll();
    const after = decodeCursor(page.cursor);
    if (after) qb = qb.where('id', '>', after);
    if (filter.status) qb = qb.where('status', '=', filter.status as TenantsTable['status']);
    if (filter.q) {
      const p = likePattern(filter.q.toLowerCase());
      qb = qb.where((eb) =>
        eb.or([eb(eb.fn('lower', ['name']), 'like', p), eb(eb.fn('lower', ['slug']), 'like', p)]),
      );
    }
    const rows = await qb
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    return toPage(rows, page.limit, toTenant);
  }

  async update(id: string, patch: Partial<TenantsTable>): Promise<void> {
    await this.db.updateTable('tenants').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('tenants').where('id', '=', id).execute();
  }
}
