import type { Kysely } from 'kysely';
import { SwbError } from '../../kernel/errors.js';
import type { AgentProfilesTable, Database } from '../schema.js';

/**
 * Queues, skills, agent profiles, memberships and reason codes. Implements the ports declared in
 * src/acd/ports.ts and src/agents/ports.ts structurally (storage imports no domain). Every query
 * filters on tenant_id.
 */
function isUniqueViolation(e: unknown): boolean {
  const c = (e as { code?: unknown }).code;
  return c === '23505' || c === 'SQLITE_CONSTRAINT_PRIMARYKEY' || c === 'SQLITE_CONSTRAINT_UNIQUE';
}

interface QueueRow {
  tenantId: string;
  queueId: string;
  name: string;
  skill: string | null;
  config: string;
  createdAt: number;
  updatedAt: number;
}

interface ProfileRow {
  tenantId: string;
  agentId: string;
  userId: string | null;
  displayName: string;
  defaultMode: string;
  createdAt: number;
  updatedAt: number;
}

interface Membership {
  queueId: string;
  level: number;
  tier: number;
  position: number;
}

function toProfile(r: AgentProfilesTable): ProfileRow {
  return {
    tenantId: r.tenant_id,
    agentId: r.agent_id,
    userId: r.user_id,
    displayName: r.display_name,
    defaultMode: r.default_mode,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class AcdRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async upsertQueue(q: QueueRow): Promise<void> {
    await this.db
      .insertInto('acd_queues')
      .values({
        tenant_id: q.tenantId,
        queue_id: q.queueId,
        name: q.name,
        skill: q.skill,
        config: q.config,
        created_at: q.createdAt,
        updated_at: q.updatedAt,
      })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'queue_id']).doUpdateSet({
          name: q.name,
          skill: q.skill,
          config: q.config,
          updated_at: q.updatedAt,
        }),
      )
      .execute();
  }

  async queue(tenantId: string, queueId: string): Promise<QueueRow | undefined> {
    const r = await this.db
      .selectFrom('acd_queues')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('queue_id', '=', queueId)
      .executeTakeFirst();
    return r && this.#queue(r);
  }

  async queues(tenantId: string): Promise<QueueRow[]> {
    const rows = await this.db
      .selectFrom('acd_queues')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('queue_id')
      .execute();
    return rows.map((r) => this.#queue(r));
  }

  #queue(r: Database['acd_queues']): QueueRow {
    return {
      tenantId: r.tenant_id,
      queueId: r.queue_id,
      name: r.name,
      skill: r.skill,
      config: r.config,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  async removeQueue(tenantId: string, queueId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('acd_queues')
      .where('tenant_id', '=', tenantId)
      .where('queue_id', '=', queueId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async addSkill(tenantId: string, name: string, at: number): Promise<void> {
    await this.db
      .insertInto('acd_skills')
      .values({ tenant_id: tenantId, name, created_at: at })
      .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
      .execute();
  }

  async skills(tenantId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('acd_skills')
      .select('name')
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .execute();
    return rows.map((r) => r.name);
  }

  async insertProfile(p: ProfileRow): Promise<void> {
    try {
      await this.db
        .insertInto('agent_profiles')
        .values({
          tenant_id: p.tenantId,
          agent_id: p.agentId,
          user_id: p.userId,
          display_name: p.displayName,
          default_mode: p.defaultMode,
          created_at: p.createdAt,
          updated_at: p.updatedAt,
        })
        .execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new SwbError('SWB_CONFLICT', { resource: `Agent id ${p.agentId}` });
      throw e;
    }
  }

  async profile(tenantId: string, agentId: string): Promise<ProfileRow | undefined> {
    const r = await this.db
      .selectFrom('agent_profiles')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    return r && toProfile(r);
  }

  async profiles(tenantId: string): Promise<ProfileRow[]> {
    const rows = await this.db
      .selectFrom('agent_profiles')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('agent_id')
      .execute();
    return rows.map(toProfile);
  }

  async setMemberships(tenantId: string, agentId: string, rows: Membership[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('agent_memberships')
        .where('tenant_id', '=', tenantId)
        .where('agent_id', '=', agentId)
        .execute();
      if (rows.length === 0) return;
      // the composite foreign keys refuse another tenant's queue or agent
      await trx
        .insertInto('agent_memberships')
        .values(
          rows.map((m) => ({
            tenant_id: tenantId,
            agent_id: agentId,
            queue_id: m.queueId,
            level: m.level,
            tier: m.tier,
            position: m.position,
          })),
        )
        .execute();
    });
  }

  async memberships(tenantId: string, agentId: string): Promise<Membership[]> {
    return this.db
      .selectFrom('agent_memberships')
      .select(['queue_id as queueId', 'level', 'tier', 'position'])
      .where('tenant_id', '=', tenantId)
      .where('agent_id', '=', agentId)
      .orderBy('queue_id')
      .execute();
  }

  async upsertReasonCode(r: { tenantId: string; code: string; label: string }): Promise<void> {
    await this.db
      .insertInto('agent_reason_codes')
      .values({ tenant_id: r.tenantId, code: r.code, label: r.label })
      .onConflict((oc) => oc.columns(['tenant_id', 'code']).doUpdateSet({ label: r.label }))
      .execute();
  }

  async reasonCodes(tenantId: string): Promise<{ tenantId: string; code: string; label: string }[]> {
    const rows = await this.db
      .selectFrom('agent_reason_codes')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('code')
      .execute();
    return rows.map((r) => ({ tenantId: r.tenant_id, code: r.code, label: r.label }));
  }
}
