/**
 * What the agents module needs from storage (implemented by src/storage/repositories/acd-repo.ts).
 */
export interface AgentProfileRow {
  tenantId: string;
  /** Tenant-chosen agent id, unique within the tenant (behaviour 13). */
  agentId: string;
  userId: string | null;
  displayName: string;
  /** Default sign-in mode as JSON ({"kind":"web"} or {"kind":"phone","phoneNumber":…}). */
  defaultMode: string;
  createdAt: number;
  updatedAt: number;
}

export interface MembershipRow {
  queueId: string;
  level: number;
  tier: number;
  position: number;
}

export interface ReasonCodeRow {
  tenantId: string;
  code: string;
  label: string;
}

export interface AgentProfileStore {
  /** Throws SWB_CONFLICT when the tenant already has this agent id. */
  insertProfile(row: AgentProfileRow): Promise<void>;
  profile(tenantId: string, agentId: string): Promise<AgentProfileRow | undefined>;
  profiles(tenantId: string): Promise<AgentProfileRow[]>;
  /** Replaces the agent's memberships (queues must exist in the same tenant). */
  setMemberships(tenantId: string, agentId: string, rows: MembershipRow[]): Promise<void>;
  memberships(tenantId: string, agentId: string): Promise<MembershipRow[]>;
  upsertReasonCode(row: ReasonCodeRow): Promise<void>;
  reasonCodes(tenantId: string): Promise<ReasonCodeRow[]>;
}
