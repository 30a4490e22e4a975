import type { Permission, RoleScope } from './permissions.js';

export interface Tenant {
  id: string;
  name: string;
  slug: string;
  kind: 'platform' | 'client';
  status: 'active' | 'disabled';
  timeZone: string;
  sipDomain: string | null;
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
  action: 'create' | 'update' | 'delete';
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
