import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DomainEvents } from '../../../src/kernel/domain-events.js';
import { json, login, type TestApp, testApp } from '../../support/app.js';
import { ENGINES } from '../../support/engines.js';

describe('domain events', () => {
  let t: TestApp;
  before(async () => {
    t = await testApp(ENGINES[0]!);
  });
  after(async () => t?.close());

  it('config.changed is published after commit, once per audited change, never for a rolled-back one', async () => {
    const seen: DomainEvents['config.changed'][0][] = [];
    const off = t.bus.on('config.changed', (e) => seen.push(e));
    t.bus.on('config.changed', () => {
      throw new Error('a broken subscriber must not break the request');
    });
    const cookie = await login(t.app, 'demo', 'admin');
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/org-units',
      headers: { cookie },
      payload: { kind: 'center', name: 'Events 事件' },
    });
    assert.equal(ok.statusCode, 201);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.resourceId, json(ok).id);
    assert.equal(seen[0]!.action, 'create');
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/org-units',
      headers: { cookie },
      payload: { kind: 'center', name: 'Events 事件' },
    });
    assert.equal(dup.statusCode, 409);
    assert.equal(seen.length, 1, 'the conflicting change rolled back and published nothing');
    off();
  });

  it('auth.login and auth.locked are published', async () => {
    const logins: string[] = [];
    const locks: string[] = [];
    t.bus.on('auth.login', (e) => logins.push(e.userId));
    t.bus.on('auth.locked', (e) => locks.push(e.userId));
    await login(t.app, 'demo', 'qa');
    assert.equal(logins.length, 1);
    // the account ceiling (failures from addresses not known-good for it) trips once
    for (let i = 0; i <= t.config.auth.accountMaxFailures + 2; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { tenant: 'demo', username: 'manager', password: 'nope' },
        remoteAddress: `10.9.0.${i}`,
      });
    }
    assert.equal(locks.length, 1);
  });
});
