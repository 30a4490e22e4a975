import type { ColumnType } from 'kysely';

/**
 * Row types of every table. Times are integer milliseconds since the epoch (bigint on
 * PostgreSQL, read back as number). Booleans are 0/1 integers on both engines. JSON columns are
 * text holding JSON. Every tenant-owned table has tenant_id and every query filters on it.
 */
export interface TenantsTable {
  id: string;
  name: string;
  slug: string;
  kind: 'platform' | 'client';
  status: 'active' | 'disabled';
  time_zone: string;
  sip_domain: string | null;
  created_at: number;
  updated_at: number;
}

export interface OrgUnitsTable {
  id: string;
  tenant_id: string;
  parent_id: string | null;
  kind: 'center' | 'group';
  name: string;
  created_at: number;
  updated_at: number;
}

export interface RolesTable {
  id: string;
  tenant_id: string;
  name: string;
  description: string;
  builtin: number;
  scope: 'tenant' | 'center' | 'group' | 'self';
  permissions: string; // JSON string[]
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string;
  role_id: string;
  org_unit_id: string | null;
  status: 'active' | 'disabled';
  failed_logins: number;
  first_failed_at: number | null;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  name: string;
  key_hash: string;
  role_id: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: string;
  tenant_id: string;
  at: number;
  actor_type: 'user' | 'api_key' | 'system';
  actor_id: string | null;
  action: 'create' | 'update' | 'delete';
  resource_type: string;
  resource_id: string;
  before: string | null;
  after: string | null;
  request_id: string | null;
  ip: string | null;
}

export interface SipAccountsTable {
  id: string;
  tenant_id: string;
  username: string;
  user_id: string | null;
  /** The SIP domain the HA1s were computed for; a domain change needs a new password. */
  realm: string;
  ha1_md5: string;
  ha1_sha256: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface SipRegistrationsTable {
  tenant_id: string;
  aor: string;
  contact: string;
  expires_at: number;
  call_id: string;
  cseq: number;
  q: number | null;
  source: string; // JSON TxSource
  user_agent: string | null;
}

export interface Database {
  tenants: TenantsTable;
  org_units: OrgUnitsTable;
  roles: RolesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  sip_accounts: SipAccountsTable;
  sip_registrations: SipRegistrationsTable;
}

export type Millis = ColumnType<number, number, number>;
