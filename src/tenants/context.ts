import type { Kysely } from 'kysely';
import type { Clock } from '../kernel/clock.js';
import type { EventBus } from '../kernel/domain-events.js';
import type { Logger } from '../kernel/logger.js';
import type { SecretBox } from '../kernel/secrets.js';
import type { Database } from '../storage/schema.js';
import type { Principal } from './types.js';

/** Dependencies of the tenants module's services. */
export interface TenantsDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  /** Domain events (optional: pure tests may leave it out). */
  bus?: EventBus;
  /** Keyring for secrets at rest (trunk passwords); required by services that store one. */
  secrets?: SecretBox;
  auth: {
    sessionTtlSeconds: number;
    maxFailedLogins: number;
    lockoutSeconds: number;
    failureWindowSeconds: number;
    accountMaxFailures: number;
    sourceMaxFailures: number;
    knownSourceDays: number;
    scryptCost: number;
  };
}

/** Per-request context every service call receives: who acts, and tracing data for the audit log. */
export interface RequestContext {
  principal: Principal;
  requestId: string | null;
  ip: string | null;
}

export function systemContext(
  tenantId: string,
  tenantKind: 'platform' | 'client' = 'client',
): RequestContext {
  return {
    principal: {
      tenantId,
      tenantKind,
      actorType: 'system',
      actorId: 'system',
      userId: null,
      roleId: 'system',
      scope: 'tenant',
      permissions: new Set(),
      orgUnitId: null,
    },
    requestId: null,
    ip: null,
  };
}
