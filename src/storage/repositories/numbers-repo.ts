import type { Kysely } from 'kysely';
import type { PlanNumber, RoutingRule, RuleMatch } from '../../numbers/types.js';
import { decodeCursor, encodeCursor, likePattern, type Page, type PageRequest } from '../page.js';
import type { Database, NumbersTable, RoutingRulesTable } from '../schema.js';

export interface NumberFilter {
  q?: string | undefined;
  kind?: NumbersTable['kind'] | undefined;
  trunkId?: string | undefined;
  enabled?: boolean | undefined;
}

export function toRule(r: RoutingRulesTable): RoutingRule {
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled === 1,
    match: JSON.parse(r.match) as RuleMatch,
    entryPoint: r.entry_point,
  };
}

/** Numbers, their access-number bindings and routing rules. Every method takes the tenant. */
export class NumbersRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async byId(tenantId: string, id: string): Promise<NumbersTable | undefined> {
    return this.db
      .selectFrom('numbers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Whether an E.164 number is owned by anyone (numbers are unique across tenants). */
  async exists(number: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('numbers')
      .select('id')
      .where('number', '=', number)
      .executeTakeFirst();
    return r !== undefined;
  }

  async insert(row: NumbersTable): Promise<void> {
    await this.db.insertInto('numbers').values(row).execute();
  }

  async update(tenantId: string, id: string, row: Partial<NumbersTable>): Promise<void> {
    await this.db
      .updateTable('numbers')
      .set(row)
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.deleteFrom('numbers').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }

  async list(tenantId: string, page: PageRequest, f: NumberFilter): Promise<Page<NumbersTable>> {
    let qb = this.db.selectFrom('numbers').selectAll().where('tenant_id', '=', tenantId);
    const after = decodeCursor(page.cursor);
    if (after) qb = qb.where('id', '>', after);
    if (f.kind) qb = qb.where('kind', '=', f.kind);
    if (f.trunkId) qb = qb.where('trunk_id', '=', f.trunkId);
    if (f.enabled !== undefined) qb = qb.where('enabled', '=', f.enabled ? 1 : 0);
    if (f.q) {
      const p = likePattern(f.q.toLowerCase());
      qb = qb.where((eb) => eb.or([eb('number', 'like', p), eb(eb.fn('lower', ['label']), 'like', p)]));
    }
    const rows = await qb
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    const more = rows.length > page.limit;
    const items = more ? rows.slice(0, page.limit) : rows;
    return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!.id) : null };
  }

  async countByTrunk(tenantId: string, trunkId: string): Promise<number> {
    const r = await this.db
      .selectFrom('numbers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('trunk_id', '=', trunkId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Access numbers each of the given 400/800 numbers is bound to, in order. */
  async accessIds(tenantId: string, serviceIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(serviceIds.map((id) => [id, []]));
    if (serviceIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('access_numbers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('service_number_id', 'in', serviceIds)
      .orderBy('position')
      .execute();
    for (const r of rows) out.get(r.service_number_id)?.push(r.access_number_id);
    return out;
  }

  async setAccessIds(tenantId: string, serviceId: string, accessIds: string[]): Promise<void> {
    await this.db
      .deleteFrom('access_numbers')
      .where('tenant_id', '=', tenantId)
      .where('service_number_id', '=', serviceId)
      .execute();
    let position = 0;
    for (const a of accessIds) {
      await this.db
        .insertInto('access_numbers')
        .values({
          tenant_id: tenantId,
          service_number_id: serviceId,
          access_number_id: a,
          position: position++,
        })
        .execute();
    }
  }

  async rules(tenantId: string, numberId: string): Promise<RoutingRule[]> {
    const rows = await this.db
      .selectFrom('routing_rules')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('number_id', '=', numberId)
      .orderBy('position')
      .execute();
    return rows.map(toRule);
  }

  async replaceRules(tenantId: string, numberId: string, rules: RoutingRule[], now: number): Promise<void> {
    await this.db
      .deleteFrom('routing_rules')
      .where('tenant_id', '=', tenantId)
      .where('number_id', '=', numberId)
      .execute();
    let position = 0;
    for (const r of rules) {
      await this.db
        .insertInto('routing_rules')
        .values({
          id: r.id,
          tenant_id: tenantId,
          number_id: numberId,
          position: position++,
          name: r.name,
          enabled: r.enabled ? 1 : 0,
          match: JSON.stringify(r.match),
          entry_point: r.entryPoint,
          created_at: now,
        })
        .execute();
    }
  }

  /**
   * What the router needs of some numbers (E.164), with their rules and bindings. With a tenant,
   * only that tenant's numbers; without (the SIP side, before the tenant is known), any owner's.
   */
  async planNumbers(numbers: string[], tenantId?: string): Promise<PlanNumber[]> {
    const wanted = [...new Set(numbers)];
    if (wanted.length === 0) return [];
    let qb = this.db.selectFrom('numbers').selectAll().where('number', 'in', wanted);
    if (tenantId !== undefined) qb = qb.where('tenant_id', '=', tenantId);
    return this.#toPlan(await qb.execute());
  }

  /** The same by id, within one tenant (a 400 number's access numbers). */
  async planNumbersByIds(tenantId: string, ids: string[]): Promise<PlanNumber[]> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const rows = await this.db
      .selectFrom('numbers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', wanted)
      .execute();
    return this.#toPlan(rows);
  }

  async #toPlan(rows: NumbersTable[]): Promise<PlanNumber[]> {
    const out: PlanNumber[] = [];
    for (const r of rows) {
      const access = await this.accessIds(r.tenant_id, [r.id]);
      out.push({
        id: r.id,
        tenantId: r.tenant_id,
        number: r.number,
        kind: r.kind,
        enabled: r.enabled === 1,
        entryPoint: r.entry_point,
        timeZone: r.time_zone,
        rules: await this.rules(r.tenant_id, r.id),
        accessNumberIds: access.get(r.id) ?? [],
      });
    }
    return out;
  }
}
