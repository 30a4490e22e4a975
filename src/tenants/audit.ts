import type { Kysely, Transaction } from 'kysely';
import type { DomainEvents } from '../kernel/domain-events.js';
import { newSortableId } from '../kernel/ids.js';
import { AuditRepo } from '../storage/repositories/audit-repo.js';
import type { Database } from '../storage/schema.js';
import type { RequestContext, TenantsDeps } from './context.js';

const SECRET_KEYS = new Set([
  'password',
  'password_hash',
  'passwordHash',
  'key_hash',
  'keyHash',
  'token_hash',
  'secret',
]);

function redact(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(redact);
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out[k] = SECRET_KEYS.has(k) ? '[redacted]' : redact(x);
    }
    return out;
  }
  return v;
}

type ConfigChange = DomainEvents['config.changed'][0];

/** Changes recorded inside a transaction, published only after it commits. */
const pending = new WeakMap<object, ConfigChange[]>();

/**
 * Runs `fn` in a transaction; every audit entry it records is published on the event bus as
 * `config.changed` once the transaction has committed (never for a rolled-back change).
 */
export async function auditedTransaction<T>(
  deps: Pick<TenantsDeps, 'db' | 'bus'>,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  const events: ConfigChange[] = [];
  const result = await deps.db.transaction().execute(async (trx) => {
    pending.set(trx, events);
    return fn(trx);
  });
  for (const e of events) deps.bus?.safeEmit('config.changed', e);
  return result;
}

/**
 * Records one configuration change (who, when, what, before/after) in the same transaction as
 * the change itself, so a change is never stored without its audit entry.
 */
export async function recordAudit(
  trx: Kysely<Database>,
  ctx: RequestContext,
  at: number,
  entry: {
    tenantId: string;
    action: 'create' | 'update' | 'delete';
    resourceType: string;
    resourceId: string;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await new AuditRepo(trx).insert({
    id: newSortableId('audit', at),
    tenant_id: entry.tenantId,
    at,
    actor_type: ctx.principal.actorType,
    actor_id: ctx.principal.actorId,
    action: entry.action,
    resource_type: entry.resourceType,
    resource_id: entry.resourceId,
    before: entry.before === undefined ? null : JSON.stringify(redact(entry.before)),
    after: entry.after === undefined ? null : JSON.stringify(redact(entry.after)),
    request_id: ctx.requestId,
    ip: ctx.ip,
  });
  pending.get(trx)?.push({
    tenantId: entry.tenantId,
    resourceType: entry.resourceType,
    resourceId: entry.resourceId,
    action: entry.action,
    actorId: ctx.principal.actorId,
    at,
  });
}
