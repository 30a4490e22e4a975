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
  /** Outbound trunk-call limits (null = config.outboundPolicy default). */
  max_concurrent_outbound: number | null;
  max_outbound_per_minute: number | null;
  /** JSON array of E.164 prefixes its phones may never dial over a trunk. */
  outbound_deny_prefixes: string;
  /** Digest algorithms its phones are challenged with ('md5', 'sha256+md5', …); null = config sip.digest. */
  sip_digest?: string | null;
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
  /** The user the key belongs to (a key minted by a key: that key's owner); null = tenant-level. */
  owner_user_id: string | null;
  /** After this instant the key is refused; null = no expiry. */
  expires_at: number | null;
}

/** One atomic login-attempt counter (see migration 006 and src/tenants/login-throttle.ts). */
export interface LoginThrottleTable {
  key: string;
  kind: 'pair' | 'account' | 'source';
  account: string | null;
  count: number;
  window_start: number;
  window_ms: number;
  known_until: number;
  updated_at: number;
}

export interface AuditLogTable {
  id: string;
  tenant_id: string;
  at: number;
  actor_type: 'user' | 'api_key' | 'system';
  actor_id: string | null;
  action: 'create' | 'update' | 'delete' | 'deny';
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
  /** internal | national | international (src/numbers/class-of-service.ts). */
  class_of_service: string;
  /** Outbound trunk-call limits (null = config.outboundPolicy default). */
  max_concurrent_outbound: number | null;
  max_outbound_per_minute: number | null;
  /** Digest algorithms this account is challenged with; null = the tenant's choice. */
  digest?: string | null;
  /** 1: may present another user than its own in From (default 0). */
  present_any_identity?: number;
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

export interface TrunksTable {
  id: string;
  tenant_id: string;
  name: string;
  direction: 'inbound' | 'outbound' | 'both';
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  inbound_auth: 'ip' | 'digest';
  allowed_sources: string; // JSON string[]: address:port pairs, or approved IPs/CIDRs (any port)
  inbound_username: string | null;
  inbound_ha1_md5: string | null;
  inbound_ha1_sha256: string | null;
  register: number;
  register_expires: number;
  outbound_username: string | null;
  /**
   * Secret: the carrier's password, needed to answer its digest challenges. Never returned. Stored
   * sealed (`swb:v1:…`, src/kernel/secrets.ts, associated data `trunk:<id>:outbound_password`).
   */
  outbound_password: string | null;
  from_domain: string | null;
  caller_id: string | null;
  caller_id_presentation: 'allowed' | 'restricted';
  max_concurrent: number | null;
  country_code: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** An address range the platform operator approved for one tenant's IP-authenticated trunks. */
export interface TrunkSourceApprovalsTable {
  id: string;
  tenant_id: string;
  /** Canonical CIDR (an address alone is a /32 or /128). */
  cidr: string;
  note: string | null;
  /** User id of the operator who approved it. */
  approved_by: string;
  created_at: number;
}

export interface NumbersTable {
  id: string;
  tenant_id: string;
  /** E.164, unique across tenants. */
  number: string;
  kind: 'did' | '400' | '800' | 'access';
  label: string;
  trunk_id: string | null;
  entry_point: string | null;
  time_zone: string | null;
  enabled: number;
  created_at: number;
  updated_at: number;
}

export interface AccessNumbersTable {
  tenant_id: string;
  service_number_id: string;
  access_number_id: string;
  position: number;
}

export interface RoutingRulesTable {
  id: string;
  tenant_id: string;
  number_id: string;
  position: number;
  name: string;
  enabled: number;
  match: string; // JSON RuleMatch
  entry_point: string;
  created_at: number;
}

export interface TrunkStatusTable {
  trunk_id: string;
  tenant_id: string;
  state: 'unregistered' | 'registering' | 'registered' | 'failed';
  last_code: number | null;
  last_error: string | null;
  expires_at: number | null;
  updated_at: number;
}

export interface AcdSkillsTable {
  tenant_id: string;
  name: string;
  created_at: number;
}

export interface AcdQueuesTable {
  tenant_id: string;
  queue_id: string;
  name: string;
  skill: string | null;
  config: string; // JSON QueueConfig without queueId
  created_at: number;
  updated_at: number;
}

export interface AgentProfilesTable {
  tenant_id: string;
  agent_id: string;
  user_id: string | null;
  display_name: string;
  default_mode: string; // JSON sign-in mode
  created_at: number;
  updated_at: number;
}

export interface AgentMembershipsTable {
  tenant_id: string;
  agent_id: string;
  queue_id: string;
  level: number;
  tier: number;
  position: number;
}

export interface AgentReasonCodesTable {
  tenant_id: string;
  code: string;
  label: string;
}

export interface Database {
  tenants: TenantsTable;
  org_units: OrgUnitsTable;
  roles: RolesTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  sip_accounts: SipAccountsTable;
  sip_registrations: SipRegistrationsTable;
  trunks: TrunksTable;
  numbers: NumbersTable;
  access_numbers: AccessNumbersTable;
  routing_rules: RoutingRulesTable;
  trunk_status: TrunkStatusTable;
  trunk_source_approvals: TrunkSourceApprovalsTable;
  acd_skills: AcdSkillsTable;
  acd_queues: AcdQueuesTable;
  agent_profiles: AgentProfilesTable;
  agent_memberships: AgentMembershipsTable;
  agent_reason_codes: AgentReasonCodesTable;
}

export type Millis = ColumnType<number, number, number>;
