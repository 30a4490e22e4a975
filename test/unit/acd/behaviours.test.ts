import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { Harness } from './harness.js';

describe('behaviour 1: after-call work until ready, or until the queue wrap-up time', () => {
  it('keeps the agent in after-call work after a call and offers nothing until they set ready', () => {
    const h = new Harness();
    h.queue('sales', { wrapUpMs: null });
    h.agent('1001', [{ queueId: 'sales' }]);
    h.enter('c1', 'sales');
    h.serve('c1', '1001');
    assert.equal(h.agentRec('1001').state, 'after-call-work');
    assert.equal(h.agentRec('1001').status, 'ready');
    const cmds = h.enter('c2', 'sales');
    assert.deepEqual(Harness.offeredIn(cmds), [], 'no offer during after-call work');
    h.clock.advance(3_600_000);
    assert.equal(h.agentRec('1001').state, 'after-call-work', 'no wrap-up time: waits for the agent');
    const after = h.do({ type: 'agent.ready', agentId: '1001' });
    assert.deepEqual(Harness.offeredIn(after, 'c2'), ['1001']);
  });

  it('ends after-call work at the queue wrap-up time on the injected clock', () => {
    const h = new Harness();
    h.queue('sales', { wrapUpMs: 15_000 });
    h.agent('1001', [{ queueId: 'sales' }]);
    h.enter('c1', 'sales');
    h.serve('c1', '1001');
    h.enter('c2', 'sales');
    assert.equal(h.lastOffer('c2'), undefined);
    h.clock.advance(14_999);
    assert.equal(h.agentRec('1001').state, 'after-call-work');
    h.clock.advance(1);
    assert.equal(h.lastOffer('c2')?.agents[0]?.agentId, '1001');
    const st = h.named('agent.state').find((e) => e.reason === 'wrap-up-timeout');
    assert.ok(st, 'state change says why');
  });

  it('lets the agent end a timed wrap-up early by setting ready', () => {
    const h = new Harness();
    h.queue('sales', { wrapUpMs: 60_000 });
    h.agent('1001', [{ queueId: 'sales' }]);
    h.enter('c1', 'sales');
    h.serve('c1', '1001');
    h.clock.advance(5_000);
    h.do({ type: 'agent.ready', agentId: '1001' });
    assert.equal(h.agentRec('1001').state, 'idle');
    h.clock.advance(60_000); // the stale wrap-up timer must not fire a second idle transition
    assert.equal(h.named('agent.state').filter((e) => e.to === 'idle').length, 1);
  });

  it('an agent who sets not-ready during wrap-up stays unavailable when the wrap-up time ends', () => {
    const h = new Harness();
    h.queue('sales', { wrapUpMs: 10_000 });
    h.agent('1001', [{ queueId: 'sales' }]);
    h.enter('c1', 'sales');
    h.serve('c1', '1001');
    h.do({ type: 'agent.not-ready', agentId: '1001', reason: 'break' });
    h.clock.advance(10_000);
    h.enter('c2', 'sales');
    assert.equal(h.lastOffer('c2'), undefined);
    assert.equal(h.agentRec('1001').state, 'idle');
    assert.equal(h.agentRec('1001').reason, 'break');
  });
});

describe('behaviour 2: log in, then sign in, before any call reaches the agent', () => {
  it('offers nothing to an agent who is only logged in', () => {
    const h = new Harness();
    h.queue('sales');
    h.agent('1001', [{ queueId: 'sales' }], { signIn: false });
    assert.equal(h.agentRec('1001').status, 'logged-in');
    assert.deepEqual(Harness.offeredIn(h.enter('c1', 'sales')), []);
    const ex = h.do({ type: 'agent.sign-in', agentId: '1001', mode: { kind: 'web' }, ready: true });
    assert.deepEqual(Harness.offeredIn(ex, 'c1'), ['1001']);
  });

  it('refuses sign-in before login and ready before sign-in with SWB_ILLEGAL_TRANSITION', () => {
    const h = new Harness();
    h.queue('sales');
    h.do({
      type: 'agent.configure',
      agentId: '1001',
      memberships: [{ queueId: 'sales', level: 5, tier: 1, position: 0 }],
    });
    assert.throws(
      () => h.do({ type: 'agent.sign-in', agentId: '1001', mode: { kind: 'web' } }),
      (e) => isSwbError(e, 'SWB_ILLEGAL_TRANSITION'),
    );
    h.do({ type: 'agent.login', agentId: '1001' });
    assert.throws(
      () => h.do({ type: 'agent.ready', agentId: '1001' }),
      (e) => isSwbError(e, 'SWB_ILLEGAL_TRANSITION'),
    );
    assert.equal(h.agentRec('1001').status, 'logged-in', 'a refused event changes nothing');
  });

  it('refuses a second login of a signed-in agent (it is not a sign-out)', () => {
    const h = new Harness();
    h.queue('sales');
    h.agent('1001', [{ queueId: 'sales' }]);
    assert.throws(
      () => h.do({ type: 'agent.login', agentId: '1001' }),
      (e) => isSwbError(e, 'SWB_ILLEGAL_TRANSITION'),
    );
    assert.equal(h.agentRec('1001').status, 'ready');
    assert.deepEqual([...h.agentRec('1001').signedIn], ['sales']);
  });

  it('refuses sign-in to a skill group the agent is not in with SWB_AGENT_NOT_MEMBER', () => {
    const h = new Harness();
    h.queue('sales');
    h.queue('support');
    h.agent('1001', [{ queueId: 'sales' }], { signIn: false });
    assert.throws(
      () => h.do({ type: 'agent.sign-in', agentId: '1001', mode: { kind: 'web' }, queueIds: ['support'] }),
      (e) => isSwbError(e, 'SWB_AGENT_NOT_MEMBER'),
    );
    assert.equal(h.agentRec('1001').status, 'logged-in');
  });

  it('signing out keeps the agent logged in and stops offers; a ringing offer goes back to the queue', () => {
    const h = new Harness();
    h.queue('sales');
    h.agent('1001', [{ queueId: 'sales' }]);
    h.agent('1002', [{ queueId: 'sales' }], { signIn: false });
    h.enter('c1', 'sales');
    assert.equal(h.lastOffer('c1')?.agents[0]?.agentId, '1001');
    const out = h.do({ type: 'agent.sign-out', agentId: '1001' });
    assert.ok(out.some((c) => c.kind === 'cancel-offer' && c.reason === 'signed-out'));
    assert.equal(h.agentRec('1001').status, 'logged-in');
    assert.equal(h.acd.state.calls.get('c1')?.status, 'waiting', 'the call is not lost');
    const later = h.do({ type: 'agent.sign-in', agentId: '1002', mode: { kind: 'web' }, ready: true });
    assert.deepEqual(Harness.offeredIn(later, 'c1'), ['1002']);
  });

  it('logout from ready signs out first, then logs out (two status events)', () => {
    const h = new Harness();
    h.queue('sales');
    h.agent('1001', [{ queueId: 'sales' }]);
    h.do({ type: 'agent.logout', agentId: '1001' });
    const st = h.named('agent.status').slice(-2);
    assert.deepEqual(
      st.map((e) => [e.from, e.to]),
      [
        ['ready', 'logged-in'],
        ['logged-in', 'logged-out'],
      ],
    );
  });
});

describe('behaviour 5: web agents and phone agents', () => {
  it('puts the sign-in mode and the phone number on every offer', () => {
    const h = new Harness();
    h.queue('sales', { strategy: 'ring-all' });
    h.agent('web1', [{ queueId: 'sales' }]);
    h.do({
      type: 'agent.configure',
      agentId: 'phone1',
      memberships: [{ queueId: 'sales', level: 5, tier: 1, position: 1 }],
    });
    h.do({ type: 'agent.login', agentId: 'phone1' });
    h.do({
      type: 'agent.sign-in',
      agentId: 'phone1',
      mode: { kind: 'phone', phoneNumber: '+8613800138000' },
      ready: true,
    });
    h.enter('c1', 'sales');
    const offer = h.lastOffer('c1')!;
    const modes = Object.fromEntries(offer.agents.map((a) => [a.agentId, a.mode]));
    assert.deepEqual(modes, {
      web1: { kind: 'web' },
      phone1: { kind: 'phone', phoneNumber: '+8613800138000' },
    });
  });

  it('refuses a phone agent without an E.164 number', () => {
    const h = new Harness();
    h.queue('sales');
    h.agent('p1', [{ queueId: 'sales' }], { signIn: false });
    assert.throws(
      () =>
        h.do({ type: 'agent.sign-in', agentId: 'p1', mode: { kind: 'phone', phoneNumber: '13800138000' } }),
      (e) => isSwbError(e, 'SWB_VALIDATION'),
    );
  });
});

describe('behaviour 6: a returning caller goes first to the agent who served them last', () => {
  it('offers the last agent when free, whatever the strategy would pick', () => {
    const h = new Harness();
    h.queue('sales', { strategy: 'top-down', lastAgent: { waitMs: 30_000 } });
    h.agent('a', [{ queueId: 'sales', position: 0 }]);
    h.agent('b', [{ queueId: 'sales', position: 1 }]);
    h.enter('c1', 'sales', { lastAgentId: 'b' });
    const offer = h.lastOffer('c1')!;
    assert.deepEqual(
      offer.agents.map((x) => x.agentId),
      ['b'],
    );
    assert.equal(offer.explain.chosen[0]?.why, 'last-agent');
    assert.deepEqual(offer.explain.others, [
      { agentId: 'a', why: 'last-agent', detail: "caller's last agent b preferred" },
    ]);
  });

  it('waits for a busy last agent up to the wait limit and gets them when they free up', () => {
    const h = new Harness();
    h.queue('sales', { lastAgent: { waitMs: 30_000 }, wrapUpMs: 0 });
    h.agent('a', [{ queueId: 'sales' }]);
    h.agent('b', [{ queueId: 'sales' }]);
    h.enter('c0', 'sales', { lastAgentId: 'b' });
    h.do({ type: 'offer.answer', callId: 'c0', agentId: 'b' });
    h.enter('c1', 'sales', { lastAgentId: 'b' });
    assert.equal(h.lastOffer('c1'), undefined, 'a is free but the call is held for b');
    assert.equal(h.acd.state.calls.get('c1')?.status, 'reserved');
    h.clock.advance(20_000);
    h.do({ type: 'call.end', callId: 'c0' });
    assert.equal(h.lastOffer('c1')?.agents[0]?.agentId, 'b');
    assert.equal(h.lastOffer('c1')?.explain.chosen[0]?.why, 'last-agent');
  });

  it('falls back to the other agents when the wait limit passes', () => {
    const h = new Harness();
    h.queue('sales', { lastAgent: { waitMs: 30_000 } });
    h.agent('a', [{ queueId: 'sales' }]);
    h.agent('b', [{ queueId: 'sales' }]);
    h.enter('c0', 'sales', { lastAgentId: 'b' });
    h.do({ type: 'offer.answer', callId: 'c0', agentId: 'b' });
    h.enter('c1', 'sales', { lastAgentId: 'b' });
    h.clock.advance(29_999);
    assert.equal(h.lastOffer('c1'), undefined);
    h.clock.advance(1);
    assert.equal(h.lastOffer('c1')?.agents[0]?.agentId, 'a');
    assert.deepEqual(
      h.named('queue.last_agent_fallback').map((e) => [e.callId, e.reason]),
      [['c1', 'wait-limit']],
    );
  });

  it('falls back at once when the last agent is not signed in, not ready or unknown', () => {
    const h = new Harness();
    h.queue('sales', { lastAgent: { waitMs: 30_000 } });
    h.agent('a', [{ queueId: 'sales' }]);
    h.agent('b', [{ queueId: 'sales' }], { signIn: false });
    h.agent('c', [{ queueId: 'sales' }]);
    h.do({ type: 'agent.not-ready', agentId: 'c', reason: 'meal' });
    h.enter('k1', 'sales', { lastAgentId: 'b' });
    h.enter('k2', 'sales', { lastAgentId: 'c' });
    h.enter('k3', 'sales', { lastAgentId: 'zz' });
    assert.deepEqual(
      h.named('queue.last_agent_fallback').map((e) => e.reason),
      ['not-signed-in', 'unavailable', 'unknown-agent'],
    );
    assert.equal(h.lastOffer('k1')?.agents[0]?.agentId, 'a');
  });

  it('releases a held call when the last agent goes not-ready', () => {
    const h = new Harness();
    h.queue('sales', { lastAgent: { waitMs: 60_000 } });
    h.agent('a', [{ queueId: 'sales' }]);
    h.agent('b', [{ queueId: 'sales' }]);
    h.enter('c0', 'sales', { lastAgentId: 'b' });
    h.do({ type: 'offer.answer', callId: 'c0', agentId: 'b' });
    h.enter('c1', 'sales', { lastAgentId: 'b' });
    h.do({ type: 'agent.not-ready', agentId: 'b', reason: 'break' });
    assert.equal(h.lastOffer('c1')?.agents[0]?.agentId, 'a');
  });
});

describe('behaviour 9: agent priority tiers ring first, lower tiers after the delay', () => {
  it('offers tier 1 first; tier 2 only after the tier delay', () => {
    const h = new Harness();
    h.queue('sales', { tierDelayMs: 10_000, ringTimeoutMs: 30_000 });
    h.agent('senior', [{ queueId: 'sales', tier: 1 }]);
    h.agent('junior', [{ queueId: 'sales', tier: 2 }]);
    h.enter('c1', 'sales');
    assert.equal(h.lastOffer('c1')?.agents[0]?.agentId, 'senior');
    h.enter('c2', 'sales');
    assert.equal(h.lastOffer('c2'), undefined, 'junior is free but tier 2 waits');
    h.clock.advance(9_999);
    assert.equal(h.lastOffer('c2'), undefined);
    h.clock.advance(1);
    const offer = h.lastOffer('c2')!;
    assert.equal(offer.agents[0]?.agentId, 'junior');
    assert.equal(offer.explain.maxTier, 2);
    assert.ok(offer.explain.others.some((o) => o.agentId === 'senior' && o.why === 'busy'));
  });

  it('explains a free lower-tier agent as "tier" while the delay runs', () => {
    const h = new Harness();
    h.queue('sales', { tierDelayMs: 10_000 });
    h.agent('s1', [{ queueId: 'sales', tier: 1 }]);
    h.agent('j1', [{ queueId: 'sales', tier: 3 }]);
    h.enter('c1', 'sales');
    const ex = h.lastOffer('c1')!.explain;
    assert.deepEqual(ex.others, [{ agentId: 'j1', why: 'tier', detail: 'tier 3 rings after 20000 ms' }]);
  });

  it('a higher-tier agent becoming free takes the waiting call before the delay opens the lower tier', () => {
    const h = new Harness();
    h.queue('sales', { tierDelayMs: 10_000, wrapUpMs: 0 });
    h.agent('senior', [{ queueId: 'sales', tier: 1 }]);
    h.agent('junior', [{ queueId: 'sales', tier: 2 }]);
    h.enter('c1', 'sales');
    h.do({ type: 'offer.answer', callId: 'c1', agentId: 'senior' });
    h.enter('c2', 'sales');
    h.clock.advance(5_000);
    h.do({ type: 'call.end', callId: 'c1' });
    assert.equal(h.lastOffer('c2')?.agents[0]?.agentId, 'senior');
  });
});

describe('behaviour 13: agent ids are chosen by the tenant and unique within it', () => {
  it('accepts tenant-chosen ids and refuses malformed ones with SWB_INVALID_ID', () => {
    const h = new Harness();
    h.queue('sales');
    h.agent('8001', [{ queueId: 'sales' }]);
    h.agent('zhang.wei', [{ queueId: 'sales' }]);
    assert.ok(h.acd.state.agents.has('8001'));
    for (const bad of ['', ' 1', 'a b', 'x'.repeat(33), '../1']) {
      assert.throws(
        () => h.do({ type: 'agent.configure', agentId: bad, memberships: [] }),
        (e) => isSwbError(e, 'SWB_INVALID_ID'),
        bad,
      );
    }
  });

  it('one id is one agent in a tenant: configuring it again updates that agent, never a second one', () => {
    const h = new Harness();
    h.queue('sales');
    h.queue('support');
    h.agent('8001', [{ queueId: 'sales' }]);
    h.do({
      type: 'agent.configure',
      agentId: '8001',
      memberships: [{ queueId: 'support', level: 3, tier: 1, position: 0 }],
    });
    assert.equal(h.acd.state.agents.size, 1);
    assert.deepEqual([...h.agentRec('8001').memberships.keys()], ['support']);
    assert.equal(h.acd.state.queues.get('sales')!.members.size, 0);
  });
});
