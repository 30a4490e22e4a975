import { SwbError } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import type { Page, PageRequest } from '../storage/page.js';
import { type NumberFilter, NumbersRepo } from '../storage/repositories/numbers-repo.js';
import { TenantsRepo } from '../storage/repositories/tenants-repo.js';
import { TrunksRepo } from '../storage/repositories/trunks-repo.js';
import type { NumbersTable } from '../storage/schema.js';
import { auditedTransaction, recordAudit } from '../tenants/audit.js';
import { requirePermission } from '../tenants/authorize.js';
import type { RequestContext, TenantsDeps } from '../tenants/context.js';
import { iso } from '../tenants/types.js';
import { DEFAULT_COUNTRY, formatNational, normalizeNumber } from './e164.js';
import { assertTimeZone, localTime } from './local-time.js';
import { missingLeadAccessIds, planOf, route } from './router.js';
import type { NumberKind, RouteDecision, RoutingRule } from './types.js';
import { parseEntryPoint, type RuleInput, validateNumber, validateRules } from './validate.js';

export interface PhoneNumber {
  id: string;
  tenantId: string;
  number: string;
  /** National form for people (400-123-4567, 010-12345678). */
  display: string;
  kind: NumberKind;
  label: string;
  trunkId: string | null;
  entryPoint: string | null;
  timeZone: string | null;
  enabled: boolean;
  /** For 400/800 numbers: the access numbers (接入号) they are bound to, in order. */
  accessNumberIds: string[];
  createdAt: string;
  updatedAt: string;
}

export interface NumberInput {
  label?: string | undefined;
  trunkId?: string | null | undefined;
  entryPoint?: string | null | undefined;
  timeZone?: string | null | undefined;
  enabled?: boolean | undefined;
  accessNumberIds?: string[] | undefined;
}

export interface RouteTestInput {
  calledNumber: string;
  callerNumber?: string | undefined;
  originalCalledNumber?: string | undefined;
  /** ISO time; now when omitted. */
  at?: string | undefined;
  country?: string | undefined;
}

export type RouteTestResult = RouteDecision & {
  calledNumber: string;
  callerNumber: string | null;
  at: string;
  timeZone: string;
  localTime: string;
};

function toNumber(r: NumbersTable, accessIds: string[]): PhoneNumber {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    number: r.number,
    display: formatNational(r.number),
    kind: r.kind,
    label: r.label,
    trunkId: r.trunk_id,
    entryPoint: r.entry_point,
    timeZone: r.time_zone,
    enabled: r.enabled === 1,
    accessNumberIds: accessIds,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

const MAX_ACCESS = 20;

/** SQLite "UNIQUE constraint failed" or PostgreSQL unique_violation (23505). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return (
    err?.code === '23505' ||
    (typeof err?.message === 'string' && err.message.includes('UNIQUE constraint failed'))
  );
}

export class NumbersService {
  constructor(private readonly deps: TenantsDeps) {}

  async #load(ctx: RequestContext, id: string): Promise<NumbersTable> {
    const row = await new NumbersRepo(this.deps.db).byId(ctx.principal.tenantId, id);
    if (!row) throw new SwbError('SWB_NOT_FOUND', { resource: 'Number' });
    return row;
  }

  async #view(tenantId: string, rows: NumbersTable[]): Promise<PhoneNumber[]> {
    const access = await new NumbersRepo(this.deps.db).accessIds(
      tenantId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toNumber(r, access.get(r.id) ?? []));
  }

  async #checkRefs(ctx: RequestContext, row: NumbersTable, input: NumberInput): Promise<void> {
    const tenantId = ctx.principal.tenantId;
    if (input.trunkId && !(await new TrunksRepo(this.deps.db).byId(tenantId, input.trunkId))) {
      throw new SwbError('SWB_VALIDATION', { field: 'trunkId', reason: 'no such trunk in this tenant' });
    }
    if (input.entryPoint) parseEntryPoint(input.entryPoint);
    if (input.timeZone) assertTimeZone(input.timeZone);
    if (input.accessNumberIds !== undefined && input.accessNumberIds.length > 0) {
      if (row.kind !== '400' && row.kind !== '800') {
        throw new SwbError('SWB_NUMBER_KIND', {
          number: row.number,
          kind: row.kind,
          reason: 'only 400/800 numbers are bound to access numbers',
        });
      }
      if (
        input.accessNumberIds.length > MAX_ACCESS ||
        new Set(input.accessNumberIds).size !== input.accessNumberIds.length
      ) {
        throw new SwbError('SWB_VALIDATION', {
          field: 'accessNumberIds',
          reason: `at most ${MAX_ACCESS}, no duplicates`,
        });
      }
      const repo = new NumbersRepo(this.deps.db);
      for (const id of input.accessNumberIds) {
        const a = await repo.byId(tenantId, id);
        if (!a || (a.kind !== 'access' && a.kind !== 'did')) {
          throw new SwbError('SWB_VALIDATION', {
            field: 'accessNumberIds',
            reason: 'no such access number in this tenant',
          });
        }
      }
    }
  }

  async list(ctx: RequestContext, page: PageRequest, f: NumberFilter): Promise<Page<PhoneNumber>> {
    requirePermission(ctx.principal, 'config:manage');
    const p = await new NumbersRepo(this.deps.db).list(ctx.principal.tenantId, page, f);
    return { items: await this.#view(ctx.principal.tenantId, p.items), nextCursor: p.nextCursor };
  }

  async get(ctx: RequestContext, id: string): Promise<PhoneNumber> {
    requirePermission(ctx.principal, 'config:manage');
    return (await this.#view(ctx.principal.tenantId, [await this.#load(ctx, id)]))[0]!;
  }

  async create(
    ctx: RequestContext,
    input: NumberInput & { number: string; kind: NumberKind; country?: string | undefined },
  ): Promise<PhoneNumber> {
    requirePermission(ctx.principal, 'config:manage');
    const tenantId = ctx.principal.tenantId;
    let country = input.country;
    if (country === undefined && input.trunkId) {
      country = (await new TrunksRepo(this.deps.db).byId(tenantId, input.trunkId))?.country_code;
    }
    const number = validateNumber(input.number, input.kind, { defaultCountry: country ?? DEFAULT_COUNTRY });
    const now = this.deps.clock.now();
    const row: NumbersTable = {
      id: newId('number'),
      tenant_id: tenantId,
      number,
      kind: input.kind,
      label: input.label ?? '',
      trunk_id: input.trunkId ?? null,
      entry_point: input.entryPoint ?? null,
      time_zone: input.timeZone ?? null,
      enabled: input.enabled === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    };
    await this.#checkRefs(ctx, row, input);
    const access = input.accessNumberIds ?? [];
    await auditedTransaction(this.deps, async (trx) => {
      const repo = new NumbersRepo(trx);
      // one carrier number, one owner: the same answer whoever owns it (no owner is revealed)
      if (await repo.exists(number)) throw new SwbError('SWB_NUMBER_TAKEN', { number });
      try {
        await repo.insert(row);
      } catch (e) {
        // a concurrent create of the same number won the race (the unique index decides)
        if (isUniqueViolation(e)) throw new SwbError('SWB_NUMBER_TAKEN', { number });
        throw e;
      }
      if (access.length > 0) await repo.setAccessIds(tenantId, row.id, access);
      await recordAudit(trx, ctx, now, {
        tenantId,
        action: 'create',
        resourceType: 'number',
        resourceId: row.id,
        after: toNumber(row, access),
      });
    });
    return toNumber(row, access);
  }

  async update(ctx: RequestContext, id: string, input: NumberInput): Promise<PhoneNumber> {
    requirePermission(ctx.principal, 'config:manage');
    const before = await this.#load(ctx, id);
    await this.#checkRefs(ctx, before, input);
    const now = this.deps.clock.now();
    const row: NumbersTable = {
      ...before,
      label: input.label ?? before.label,
      trunk_id: input.trunkId === undefined ? before.trunk_id : input.trunkId,
      entry_point: input.entryPoint === undefined ? before.entry_point : input.entryPoint,
      time_zone: input.timeZone === undefined ? before.time_zone : input.timeZone,
      enabled: input.enabled === undefined ? before.enabled : input.enabled ? 1 : 0,
      updated_at: now,
    };
    const [old] = await this.#view(before.tenant_id, [before]);
    const access = input.accessNumberIds ?? old!.accessNumberIds;
    await auditedTransaction(this.deps, async (trx) => {
      const repo = new NumbersRepo(trx);
      await repo.update(row.tenant_id, id, row);
      if (input.accessNumberIds !== undefined) await repo.setAccessIds(row.tenant_id, id, access);
      await recordAudit(trx, ctx, now, {
        tenantId: row.tenant_id,
        action: 'update',
        resourceType: 'number',
        resourceId: id,
        before: old,
        after: toNumber(row, access),
      });
    });
    return toNumber(row, access);
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    requirePermission(ctx.principal, 'config:manage');
    const before = await this.#load(ctx, id);
    const [old] = await this.#view(before.tenant_id, [before]);
    const rules = await new NumbersRepo(this.deps.db).rules(before.tenant_id, id);
    const now = this.deps.clock.now();
    await auditedTransaction(this.deps, async (trx) => {
      await new NumbersRepo(trx).delete(before.tenant_id, id); // rules and bindings cascade
      await recordAudit(trx, ctx, now, {
        tenantId: before.tenant_id,
        action: 'delete',
        resourceType: 'number',
        resourceId: id,
        before: { ...old, rules },
      });
    });
  }

  async getRules(ctx: RequestContext, id: string): Promise<{ items: RoutingRule[] }> {
    requirePermission(ctx.principal, 'config:manage');
    const n = await this.#load(ctx, id);
    return { items: await new NumbersRepo(this.deps.db).rules(n.tenant_id, id) };
  }

  /** Replaces the ordered rule list of a number atomically (one audit entry). */
  async setRules(ctx: RequestContext, id: string, rules: RuleInput[]): Promise<{ items: RoutingRule[] }> {
    requirePermission(ctx.principal, 'config:manage');
    const n = await this.#load(ctx, id);
    const country = n.trunk_id
      ? (await new TrunksRepo(this.deps.db).byId(n.tenant_id, n.trunk_id))?.country_code
      : undefined;
    const items = validateRules(rules, () => newId('routingRule'), {
      defaultCountry: country ?? DEFAULT_COUNTRY,
    });
    const before = await new NumbersRepo(this.deps.db).rules(n.tenant_id, id);
    const now = this.deps.clock.now();
    await auditedTransaction(this.deps, async (trx) => {
      // ids are globally unique keys: one given by the client must not be another number's
      for (const r of items) {
        const other = await trx
          .selectFrom('routing_rules')
          .select('number_id')
          .where('id', '=', r.id)
          .executeTakeFirst();
        if (other && other.number_id !== id) {
          throw new SwbError('SWB_NUMBER_RULE_INVALID', { rule: r.id, reason: 'rule id is in use' });
        }
      }
      await new NumbersRepo(trx).replaceRules(n.tenant_id, id, items, now);
      await trx
        .updateTable('numbers')
        .set({ updated_at: now })
        .where('tenant_id', '=', n.tenant_id)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, ctx, now, {
        tenantId: n.tenant_id,
        action: 'update',
        resourceType: 'routing_rules',
        resourceId: id,
        before: { rules: before },
        after: { rules: items },
      });
    });
    return { items };
  }

  /** Dry run: which entry point a call from X to Y at time T would reach in this tenant, and why. */
  async routeTest(ctx: RequestContext, input: RouteTestInput): Promise<RouteTestResult> {
    requirePermission(ctx.principal, 'config:manage');
    const tenantId = ctx.principal.tenantId;
    const opts = { defaultCountry: input.country ?? DEFAULT_COUNTRY };
    const called = normalizeNumber(input.calledNumber, opts);
    const original = input.originalCalledNumber
      ? normalizeNumber(input.originalCalledNumber, opts)
      : undefined;
    const caller = input.callerNumber ? normalizeNumber(input.callerNumber, opts) : undefined;
    const now = input.at ? Date.parse(input.at) : this.deps.clock.now();
    if (Number.isNaN(now)) throw new SwbError('SWB_VALIDATION', { field: 'at', reason: 'not a date-time' });
    const tenant = await new TenantsRepo(this.deps.db).byId(tenantId);
    const timeZone = tenant?.time_zone ?? 'UTC';
    const repo = new NumbersRepo(this.deps.db);
    const rows = await repo.planNumbers([called, ...(original ? [original] : [])], tenantId);
    // a 400 number delivered directly may route like its first access number: have it at hand
    const plan = planOf([...rows, ...(await repo.planNumbersByIds(tenantId, missingLeadAccessIds(rows)))]);
    const d = route({
      calledNumber: called,
      originalCalledNumber: original,
      callerNumber: caller,
      now,
      timeZone,
      plan,
    });
    const servedTz = (d.servedNumberId && plan.byId(d.servedNumberId)?.timeZone) || timeZone;
    const lt = localTime(now, servedTz);
    return {
      ...d,
      calledNumber: called,
      callerNumber: caller ?? null,
      at: new Date(now).toISOString(),
      timeZone: servedTz,
      localTime: `${lt.date} ${String(Math.floor(lt.minute / 60)).padStart(2, '0')}:${String(lt.minute % 60).padStart(2, '0')}`,
    };
  }
}
