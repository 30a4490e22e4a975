import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { QueueStore } from '../../../src/acd/ports.js';
import type { AgentProfileStore } from '../../../src/agents/ports.js';
import { isSwbError } from '../../../src/kernel/errors.js';
import type { Db } from '../../../src/storage/database.js';
import { AcdRepo } from '../../../src/storage/repositories/acd-repo.js';
import { ENGINES, freshDb } from '../../support/engines.js';

for (const engine of ENGINES) {
  describe(`acd storage on ${engine.name} (migration 011)`, { skip: engine.skip }, () => {
    let db: Db;
    let cleanup: () => Promise<void>;
    // the repository satisfies both domain ports structurally
    let queues: QueueStore;
    let agents: AgentProfileStore;

    before(async () => {
      ({ db, cleanup } = await freshDb(engine));
      for (const id of ['ten_a', 'ten_b']) {
        await db.kysely
          .insertInto('tenants')
          .values({
            id,
            name: id,
            slug: id,
            kind: 'client',
            status: 'active',
            time_zone: 'UTC',
            sip_domain: null,
            max_concurrent_outbound: null,
            max_outbound_per_minute: null,
            outbound_deny_prefixes: '[]',
            created_at: 1,
            updated_at: 1,
          })
          .execute();
      }
      const repo = new AcdRepo(db.kysely);
      queues = repo;
      agents = repo;
    });
    after(async () => {
      await cleanup?.();
    });

    const profile = (tenantId: string, agentId: string) => ({
      tenantId,
      agentId,
      userId: null,
      displayName: `Agent ${agentId}`,
      defaultMode: JSON.stringify({ kind: 'web' }),
      createdAt: 10,
      updatedAt: 10,
    });

    it('stores queues per tenant and updates them in place', async () => {
      const q = {
        tenantId: 'ten_a',
        queueId: 'sales',
        name: 'Sales',
        skill: 'sales',
        config: '{"strategy":"top-down"}',
        createdAt: 1,
        updatedAt: 1,
      };
      await queues.upsertQueue(q);
      await queues.upsertQueue({ ...q, name: 'Sales 2', updatedAt: 2 });
      await queues.upsertQueue({ ...q, tenantId: 'ten_b', name: 'B sales' });
      assert.equal((await queues.queue('ten_a', 'sales'))?.name, 'Sales 2');
      assert.equal((await queues.queue('ten_b', 'sales'))?.name, 'B sales');
      assert.deepEqual(
        (await queues.queues('ten_a')).map((r) => r.queueId),
        ['sales'],
      );
      await queues.addSkill('ten_a', 'sales', 1);
      await queues.addSkill('ten_a', 'sales', 2);
      assert.deepEqual(await queues.skills('ten_a'), ['sales']);
      assert.deepEqual(await queues.skills('ten_b'), []);
    });

    it('behaviour 13: agent ids are unique within a tenant, and the same id may exist in another', async () => {
      await agents.insertProfile(profile('ten_a', '8001'));
      await assert.rejects(agents.insertProfile(profile('ten_a', '8001')), (e) =>
        isSwbError(e, 'SWB_CONFLICT'),
      );
      await agents.insertProfile(profile('ten_b', '8001'));
      assert.equal((await agents.profiles('ten_a')).length, 1);
      assert.equal((await agents.profile('ten_b', '8001'))?.tenantId, 'ten_b');
    });

    it('keeps memberships with level, tier and position; refuses another tenant’s queue', async () => {
      await queues.upsertQueue({
        tenantId: 'ten_a',
        queueId: 'support',
        name: 'S',
        skill: null,
        config: '{}',
        createdAt: 1,
        updatedAt: 1,
      });
      await agents.setMemberships('ten_a', '8001', [
        { queueId: 'sales', level: 8, tier: 1, position: 2 },
        { queueId: 'support', level: 3, tier: 2, position: 0 },
      ]);
      assert.deepEqual(await agents.memberships('ten_a', '8001'), [
        { queueId: 'sales', level: 8, tier: 1, position: 2 },
        { queueId: 'support', level: 3, tier: 2, position: 0 },
      ]);
      assert.deepEqual(await agents.memberships('ten_b', '8001'), []);
      // ten_b has no queue "support": the composite foreign key refuses it, nothing changes
      await assert.rejects(
        agents.setMemberships('ten_b', '8001', [{ queueId: 'support', level: 1, tier: 1, position: 0 }]),
      );
      assert.deepEqual(await agents.memberships('ten_b', '8001'), []);
      await agents.setMemberships('ten_a', '8001', [{ queueId: 'support', level: 4, tier: 1, position: 0 }]);
      assert.equal((await agents.memberships('ten_a', '8001')).length, 1);
    });

    it('removing a queue removes its memberships', async () => {
      assert.equal(await queues.removeQueue('ten_a', 'support'), true);
      assert.deepEqual(await agents.memberships('ten_a', '8001'), []);
      assert.equal(await queues.removeQueue('ten_a', 'support'), false);
    });

    it('stores reason codes per tenant', async () => {
      await agents.upsertReasonCode({ tenantId: 'ten_a', code: 'meal', label: 'Meal' });
      await agents.upsertReasonCode({ tenantId: 'ten_a', code: 'meal', label: '用餐' });
      await agents.upsertReasonCode({ tenantId: 'ten_b', code: 'coaching', label: 'Coaching' });
      assert.deepEqual(await agents.reasonCodes('ten_a'), [
        { tenantId: 'ten_a', code: 'meal', label: '用餐' },
      ]);
      assert.deepEqual(
        (await agents.reasonCodes('ten_b')).map((r) => r.code),
        ['coaching'],
      );
    });
  });
}

describe('AgentsAdminService permission checks (sqlite)', () => {
  it('refuses without the permission, saves within the tenant with it', async () => {
    const { AgentsAdminService } = await import('../../../src/acd/acd-admin-service.js');
    const { FakeClock } = await import('../../../src/kernel/clock.js');
    const { db, cleanup } = await freshDb(ENGINES[0]!);
    try {
      await db.kysely
        .insertInto('tenants')
        .values({
          id: 'ten_a',
          name: 'a',
          slug: 'a',
          kind: 'client',
          status: 'active',
          time_zone: 'UTC',
          sip_domain: null,
          max_concurrent_outbound: null,
          max_outbound_per_minute: null,
          outbound_deny_prefixes: '[]',
          created_at: 1,
          updated_at: 1,
        })
        .execute();
      const repo = new AcdRepo(db.kysely);
      const svc = new AgentsAdminService({ queues: repo, agents: repo, clock: new FakeClock() });
      const who = (perms: string[]) => ({
        tenantId: 'ten_a',
        tenantKind: 'client' as const,
        actorType: 'user' as const,
        actorId: 'u1',
        userId: 'u1',
        roleId: 'r',
        scope: 'tenant' as const,
        permissions: new Set(perms) as never,
        orgUnitId: null,
      });
      const agent = who(['desktop:use']);
      const admin = who(['config:manage', 'users:manage']);
      const supervisor = who(['agents:assign_skills']);
      const forbidden = (e: unknown) => isSwbError(e, 'SWB_FORBIDDEN');
      await assert.rejects(svc.saveQueue(agent, { queueId: 'sales', name: 'Sales' }), forbidden);
      await svc.saveQueue(admin, { queueId: 'sales', name: 'Sales', strategy: 'top-down', skill: 'sales' });
      await assert.rejects(
        svc.saveQueue(admin, { queueId: 'bad', name: 'B', strategy: 'nope' as never }),
        (e) => isSwbError(e, 'SWB_VALIDATION'),
      );
      await assert.rejects(svc.createAgent(supervisor, { agentId: '8001', displayName: 'A' }), forbidden);
      await svc.createAgent(admin, { agentId: '8001', displayName: 'A' });
      await assert.rejects(svc.createAgent(admin, { agentId: '8001', displayName: 'B' }), (e) =>
        isSwbError(e, 'SWB_CONFLICT'),
      );
      await assert.rejects(
        svc.setMemberships(admin, '8001', [{ queueId: 'sales', level: 5, tier: 1, position: 0 }]),
        forbidden,
      );
      await svc.setMemberships(supervisor, '8001', [{ queueId: 'sales', level: 5, tier: 1, position: 0 }]);
      await assert.rejects(
        svc.setMemberships(supervisor, '8001', [{ queueId: 'nope', level: 5, tier: 1, position: 0 }]),
        (e) => isSwbError(e, 'SWB_NOT_FOUND'),
      );
      assert.deepEqual(await repo.memberships('ten_a', '8001'), [
        { queueId: 'sales', level: 5, tier: 1, position: 0 },
      ]);
      await assert.rejects(svc.saveReasonCode(supervisor, 'meal', 'Meal'), forbidden);
      await svc.saveReasonCode(admin, 'meal', 'Meal');
      assert.equal(JSON.parse((await repo.queue('ten_a', 'sales'))!.config).strategy, 'top-down');
    } finally {
      await cleanup();
    }
  });
});
