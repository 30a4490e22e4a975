import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { excessOver, SCOPE_RANK, unitWithin } from '../../../src/tenants/escalation.js';
import {
  BUILTIN_ROLES,
  type Permission,
  ROLE_SCOPES,
  type RoleScope,
} from '../../../src/tenants/permissions.js';
import type { Principal } from '../../../src/tenants/types.js';

function actor(
  scope: RoleScope,
  permissions: Permission[],
  actorType: Principal['actorType'] = 'user',
): Principal {
  return {
    tenantId: 't',
    tenantKind: 'client',
    actorType,
    actorId: 'a',
    userId: 'a',
    roleId: 'r',
    scope,
    permissions: new Set(permissions),
    orgUnitId: null,
  };
}

describe('excessOver(): rights within rights', () => {
  it('equal rights are within (two admins may recover each other)', () => {
    const admin = BUILTIN_ROLES.find((r) => r.name === 'admin')!;
    assert.equal(excessOver(actor('tenant', admin.permissions), admin), undefined);
  });

  it('names the first permission the actor does not hold', () => {
    const x = excessOver(actor('tenant', ['users:read', 'users:manage']), {
      scope: 'self',
      permissions: ['users:read', 'config:manage'],
    });
    assert.deepEqual(x, { permission: 'config:manage' });
  });

  it('refuses every scope wider than the actor, allows every narrower or equal one', () => {
    for (const mine of ROLE_SCOPES) {
      for (const theirs of ROLE_SCOPES) {
        const x = excessOver(actor(mine, []), { scope: theirs, permissions: [] });
        if (SCOPE_RANK[theirs] > SCOPE_RANK[mine])
          assert.deepEqual(x, { scope: theirs }, `${mine} < ${theirs}`);
        else assert.equal(x, undefined, `${mine} ≥ ${theirs}`);
      }
    }
  });

  it('the system actor (seeding, platform jobs) is never refused', () => {
    assert.equal(
      excessOver(actor('self', [], 'system'), { scope: 'tenant', permissions: ['users:manage'] }),
      undefined,
    );
  });
});

describe('unitWithin(): placement inside a data scope', () => {
  it('tenant: anywhere, no unit included; units: only listed ones, never "no unit"; self: nowhere', () => {
    assert.equal(unitWithin({ kind: 'tenant' }, null), true);
    assert.equal(unitWithin({ kind: 'tenant' }, 'grp_x'), true);
    assert.equal(unitWithin({ kind: 'units', unitIds: ['grp_a'] }, 'grp_a'), true);
    assert.equal(unitWithin({ kind: 'units', unitIds: ['grp_a'] }, 'grp_b'), false);
    assert.equal(unitWithin({ kind: 'units', unitIds: ['grp_a'] }, null), false);
    assert.equal(unitWithin({ kind: 'self', userId: 'u' }, 'grp_a'), false);
    assert.equal(unitWithin({ kind: 'self', userId: 'u' }, null), false);
  });
});
