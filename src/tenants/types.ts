import type { Permission, RoleScope } from './permissions.js';

export interface Tenant {
  id: string;
  name: string;
  slug: string;
  kind: 'platform' | 'client';
  status: 'active' | 'disabled';
  timeZone: string;
  sipDomain: string | null;
  /** Outbound trunk-call limits of the whole tenant; null = config.outboundPolicy default. */
  maxConcurrentOutbound: number | null;
  maxOutboundPerMinute: number | null;
  /** E.164 prefixes (`+8616…`, `+882`) no phone of the tenant may dial over a trunk. */
  outboundDenyPrefixes: string[];
  createdAt: string;
  updatedAt: string;
}

export interface OrgUnit {
  id: string;
  tenantId: string;
  parentId: string | null;
  kind: 'center' | 'group';
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface Role {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  builtin: boolean;
  scope: RoleScope;
  permissions: Permission[];
  createdAt: string;
  updatedAt: string;
}

export interface User {
  id: string;
  tenantId: string;
  username: string;
  displayName: string;
  email: string | null;
  roleId: string;
  orgUnitId: string | null;
  status: 'active' | 'disabled';
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApiKey {
  id: string;
  tenantId: string;
  name: string;
  roleId: string;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** The user the key belongs to; it stops working when they are disabled or deleted. */
  ownerUserId: string | null;
  expiresAt: string | null;
}

export interface AuditEntry {
  id: string;
  tenantId: string;
  at: string;
  actorType: 'user' | 'api_key' | 'system';
  actorId: string | null;
  /** `deny`: a refused attempt to exceed one's own rights (SWB_FORBIDDEN_ESCALATION), nothing changed. */
  action: 'create' | 'update' | 'delete' | 'deny';
  resourceType: string;
  resourceId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
}

/** Who is acting: resolved from a session cookie or an API key on every request. */
export interface Principal {
  tenantId: string;
  tenantKind: 'platform' | 'client';
  actorType: 'user' | 'api_key' | 'system';
  actorId: string;
  userId: string | null;
  roleId: string;
  scope: RoleScope;
  permissions: ReadonlySet<Permission>;
  orgUnitId: string | null;
}

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
