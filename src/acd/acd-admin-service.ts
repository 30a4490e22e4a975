import { isAgentId, type SignInMode, validateMembership, validateSignInMode } from '../agents/agent.js';
import { isReasonCode } from '../agents/agent-status.js';
import type { AgentProfileRow, AgentProfileStore, MembershipRow } from '../agents/ports.js';
import type { Clock } from '../kernel/clock.js';
import { SwbError } from '../kernel/errors.js';
import { requirePermission } from '../tenants/authorize.js';
import type { Principal } from '../tenants/types.js';
import type { QueueStore } from './ports.js';
import { type QueueConfig, queueConfig } from './queue-config.js';

/**
 * Configuration of queues, agent profiles, memberships and reason codes, with the permission
 * checks the routes will call (no routes this session). Queues and reason codes need
 * config:manage; agent profiles users:manage; moving agents between skill groups
 * agents:assign_skills (supervisors). Every call is scoped to the principal's tenant.
 * Not done: the org-unit data scope (a team leader only for their team) — profiles do not carry
 * an org unit yet.
 */
export class AgentsAdminService {
  constructor(private readonly deps: { queues: QueueStore; agents: AgentProfileStore; clock: Clock }) {}

  async saveQueue(
    p: Principal,
    input: Partial<QueueConfig> & { queueId: string; name: string; skill?: string | null },
  ) {
    requirePermission(p, 'config:manage');
    const { name, skill, ...cfg } = input;
    const config = queueConfig(cfg);
    if (!name || name.length > 200)
      throw new SwbError('SWB_VALIDATION', { field: 'name', reason: '1–200 characters' });
    const now = this.deps.clock.now();
    const before = await this.deps.queues.queue(p.tenantId, config.queueId);
    if (skill) await this.deps.queues.addSkill(p.tenantId, skill, now);
    const { queueId, ...settings } = config;
    await this.deps.queues.upsertQueue({
      tenantId: p.tenantId,
      queueId,
      name,
      skill: skill ?? null,
      config: JSON.stringify(settings),
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
    });
    return config;
  }

  async createAgent(
    p: Principal,
    input: { agentId: string; displayName: string; userId?: string | null; mode?: SignInMode },
  ): Promise<AgentProfileRow> {
    requirePermission(p, 'users:manage');
    if (!isAgentId(input.agentId)) throw new SwbError('SWB_INVALID_ID', { id: input.agentId });
    const mode = input.mode ?? { kind: 'web' };
    validateSignInMode(mode);
    const now = this.deps.clock.now();
    const row: AgentProfileRow = {
      tenantId: p.tenantId,
      agentId: input.agentId,
      userId: input.userId ?? null,
      displayName: input.displayName,
      defaultMode: JSON.stringify(mode),
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.agents.insertProfile(row); // SWB_CONFLICT when the id is taken (behaviour 13)
    return row;
  }

  /** Moves an agent between skill groups (replaces the memberships). */
  async setMemberships(p: Principal, agentId: string, rows: MembershipRow[]): Promise<void> {
    requirePermission(p, 'agents:assign_skills');
    if (!(await this.deps.agents.profile(p.tenantId, agentId)))
      throw new SwbError('SWB_NOT_FOUND', { resource: 'Agent' });
    const seen = new Set<string>();
    for (const m of rows) {
      validateMembership(m);
      if (seen.has(m.queueId))
        throw new SwbError('SWB_VALIDATION', { field: 'memberships', reason: 'a queue twice' });
      seen.add(m.queueId);
      if (!(await this.deps.queues.queue(p.tenantId, m.queueId)))
        throw new SwbError('SWB_NOT_FOUND', { resource: `Queue ${m.queueId}` });
    }
    await this.deps.agents.setMemberships(p.tenantId, agentId, rows);
  }

  async saveReasonCode(p: Principal, code: string, label: string): Promise<void> {
    requirePermission(p, 'config:manage');
    if (!isReasonCode(code)) throw new SwbError('SWB_VALIDATION', { field: 'code', reason: 'a reason code' });
    await this.deps.agents.upsertReasonCode({ tenantId: p.tenantId, code, label });
  }
}
