import type { Kysely } from 'kysely';
import { SecretBox } from '../../kernel/secrets.js';
import { decodeCursor, encodeCursor, likePattern, type Page, type PageRequest } from '../page.js';
import type { Database, TrunkStatusTable, TrunksTable } from '../schema.js';

export interface TrunkFilter {
  q?: string | undefined;
  direction?: TrunksTable['direction'] | undefined;
  enabled?: boolean | undefined;
}

/** Associated data of a trunk's sealed outbound password: the value opens only in its own row. */
export function outboundPasswordContext(trunkId: string): string {
  return `trunk:${trunkId}:outbound_password`;
}

/**
 * Seals every outbound password that is plaintext (rows from before sealing) or sealed with a key
 * other than the current one (rotation); returns how many rows changed. Row by row with a
 * compare-and-set on the old value, so it is safe to run at every boot and concurrently with
 * API writes, on both engines.
 */
export async function resealTrunkSecrets(db: Kysely<Database>, box: SecretBox): Promise<number> {
  const rows = await db
    .selectFrom('trunks')
    .select(['id', 'outbound_password'])
    .where('outbound_password', 'is not', null)
    .execute();
  let changed = 0;
  for (const r of rows) {
    const v = r.outbound_password!;
    if (!box.needsReseal(v)) continue;
    const ctx = outboundPasswordContext(r.id);
    const plain = SecretBox.isSealed(v) ? box.open(v, ctx) : v;
    const res = await db
      .updateTable('trunks')
      .set({ outbound_password: box.seal(plain, ctx) })
      .where('id', '=', r.id)
      .where('outbound_password', '=', v)
      .executeTakeFirst();
    changed += Number(res.numUpdatedRows);
  }
  return changed;
}

/** Trunks and their live registration status. Every method takes the tenant, except the server-wide readers. */
export class TrunksRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async byId(tenantId: string, id: string): Promise<TrunksTable | undefined> {
    return this.db
      .selectFrom('trunks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async byName(tenantId: string, name: string): Promise<TrunksTable | undefined> {
    return this.db
      .selectFrom('trunks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async insert(row: TrunksTable): Promise<void> {
    await this.db.insertInto('trunks').values(row).execute();
  }

  async update(tenantId: string, id: string, row: Partial<TrunksTable>): Promise<void> {
    await this.db
      .updateTable('trunks')
      .set(row)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.deleteFrom('trunks').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }

  async list(tenantId: string, page: PageRequest, f: TrunkFilter): Promise<Page<TrunksTable>> {
    let qb = this.db.selectFrom('trunks').selectAll().where('tenant_id', '=', tenantId);
    const after = decodeCursor(page.cursor);
    if (after) qb = qb.where('id', '>', after);
    if (f.direction) qb = qb.where('direction', '=', f.direction);
    if (f.enabled !== undefined) qb = qb.where('enabled', '=', f.enabled ? 1 : 0);
    if (f.q) {
      const p = likePattern(f.q.toLowerCase());
      qb = qb.where((eb) =>
        eb.or([eb(eb.fn('lower', ['name']), 'like', p), eb(eb.fn('lower', ['host']), 'like', p)]),
      );
    }
    const rows = await qb
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    const more = rows.length > page.limit;
    const items = more ? rows.slice(0, page.limit) : rows;
    return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!.id) : null };
  }

  /** Every enabled trunk of every active tenant (the SIP service's view at start). */
  async allEnabled(): Promise<TrunksTable[]> {
    return this.db
      .selectFrom('trunks')
      .innerJoin('tenants', 'tenants.id', 'trunks.tenant_id')
      .selectAll('trunks')
      .where('trunks.enabled', '=', 1)
      .where('tenants.status', '=', 'active')
      .orderBy('trunks.id')
      .execute();
  }

  /** Every IP-authenticated inbound trunk of every tenant, enabled or not (source-overlap checks). */
  async allIpAuthenticated(): Promise<TrunksTable[]> {
    return this.db
      .selectFrom('trunks')
      .selectAll()
      .where('inbound_auth', '=', 'ip')
      .where('direction', '!=', 'outbound')
      .orderBy('id')
      .execute();
  }

  async status(tenantId: string, trunkIds: string[]): Promise<Map<string, TrunkStatusTable>> {
    if (trunkIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('trunk_status')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('trunk_id', 'in', trunkIds)
      .execute();
    return new Map(rows.map((r) => [r.trunk_id, r]));
  }

  /** Upserts the registration status of a trunk (written by the registration client). */
  async saveStatus(row: TrunkStatusTable): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const exists = await trx
        .selectFrom('trunk_status')
        .select('trunk_id')
        .where('trunk_id', '=', row.trunk_id)
        .executeTakeFirst();
      if (exists) {
        await trx.updateTable('trunk_status').set(row).where('trunk_id', '=', row.trunk_id).execute();
      } else {
        // the trunk may have been deleted meanwhile: only insert while it exists
        const trunk = await trx
          .selectFrom('trunks')
          .select('id')
          .where('id', '=', row.trunk_id)
          .where('tenant_id', '=', row.tenant_id)
          .executeTakeFirst();
        if (trunk) await trx.insertInto('trunk_status').values(row).execute();
      }
    });
  }
}
