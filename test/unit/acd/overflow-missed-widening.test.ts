import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queueConfig } from '../../../src/acd/queue-config.js';
import { isSwbError } from '../../../src/kernel/errors.js';
import { Harness } from './harness.js';

describe('ring timeout and missed offers', () => {
  it('an unanswered offer rings out after the ring timeout and goes to the next agent', () => {
    const h = new Harness();
    h.queue('q', { ringTimeoutMs: 15_000, strategy: 'top-down' });
    h.agent('a', [{ queueId: 'q', position: 0 }]);
    h.agent('b', [{ queueId: 'q', position: 1 }]);
    h.enter('x', 'q');
    assert.equal(h.lastOffer('x')?.agents[0]?.agentId, 'a');
    h.clock.advance(15_000);
    assert.deepEqual(
      h.named('offer.missed').map((e) => [e.agentId, e.reason, e.missedInRow]),
      [['a', 'timeout', 1]],
    );
    const o = h.lastOffer('x')!;
    assert.equal(o.agents[0]?.agentId, 'b', 'top-down would pick a again; a missed this call');
    assert.deepEqual(o.explain.others, [
      { agentId: 'a', why: 'missed-this-call', detail: 'let this call ring out before' },
    ]);
    assert.equal(h.agentRec('a').state, 'idle');
  });

  it('N missed offers in a row set the agent not-ready with reason "missed"; an answer resets the count', () => {
    const h = new Harness();
    h.queue('q', { ringTimeoutMs: 5_000, maxMissedOffers: 3, wrapUpMs: 0 });
    h.agent('a', [{ queueId: 'q' }]);
    h.enter('x', 'q');
    h.clock.advance(5_000);
    h.clock.advance(5_000);
    assert.equal(h.agentRec('a').missedInRow, 2);
    h.serve('x', 'a');
    assert.equal(h.agentRec('a').missedInRow, 0);
    h.enter('y', 'q');
    for (let i = 0; i < 3; i++) h.clock.advance(5_000);
    assert.equal(h.agentRec('a').status, 'not-ready');
    assert.equal(h.agentRec('a').reason, 'missed');
    const st = h.named('agent.status').at(-1)!;
    assert.deepEqual([st.from, st.to, st.reason], ['ready', 'not-ready', 'missed']);
    assert.equal(h.acd.state.calls.get('y')?.status, 'waiting', 'the call waits, not lost');
    h.clock.advance(60_000);
    assert.equal(h.named('queue.offered').filter((e) => e.callId === 'y').length, 3, 'no more offers');
  });

  it('a rejected offer counts as missed and re-routes at once', () => {
    const h = new Harness();
    h.queue('q', { strategy: 'top-down' });
    h.agent('a', [{ queueId: 'q', position: 0 }]);
    h.agent('b', [{ queueId: 'q', position: 1 }]);
    h.enter('x', 'q');
    const out = h.do({ type: 'offer.reject', callId: 'x', agentId: 'a' });
    assert.deepEqual(Harness.offeredIn(out, 'x'), ['b']);
    assert.equal(h.named('offer.missed')[0]?.reason, 'rejected');
  });

  it('the caller hanging up while ringing frees the agent without a miss', () => {
    const h = new Harness();
    h.queue('q');
    h.agent('a', [{ queueId: 'q' }]);
    h.enter('x', 'q');
    const out = h.do({ type: 'call.abandon', callId: 'x' });
    assert.ok(out.some((c) => c.kind === 'cancel-offer' && c.reason === 'abandoned'));
    assert.equal(h.agentRec('a').missedInRow, 0);
    assert.equal(h.agentRec('a').state, 'idle');
    assert.deepEqual(
      h.named('queue.abandoned').map((e) => [e.callId, e.wasOffered]),
      [['x', true]],
    );
  });
});

describe('overflow', () => {
  it('by wait time to another queue: leaves the first with queue.overflowed and enters the second', () => {
    const h = new Harness();
    h.queue('backup');
    h.queue('q', {
      overflow: { maxWaitMs: 60_000, maxWaiting: null, target: { kind: 'queue', queueId: 'backup' } },
    });
    h.agent('b1', [{ queueId: 'backup' }]);
    h.enter('x', 'q');
    h.clock.advance(59_999);
    assert.equal(h.lastOffer('x'), undefined);
    h.clock.advance(1);
    assert.deepEqual(
      h.named('queue.overflowed').map((e) => [e.queueId, e.reason, e.waitedMs]),
      [['q', 'wait-time', 60_000]],
    );
    assert.equal(h.named('queue.entered').at(-1)?.overflowFrom, 'q');
    assert.equal(h.lastOffer('x')?.queueId, 'backup');
    assert.equal(h.lastOffer('x')?.agents[0]?.agentId, 'b1');
  });

  it('by queue length to voicemail and to callback, as typed decisions', () => {
    const h = new Harness();
    h.queue('q', {
      overflow: { maxWaitMs: null, maxWaiting: 2, target: { kind: 'voicemail', mailbox: 'sales' } },
    });
    h.queue('r', { overflow: { maxWaitMs: null, maxWaiting: 0, target: { kind: 'callback' } } });
    h.enter('x1', 'q');
    h.enter('x2', 'q');
    const out = h.enter('x3', 'q');
    assert.deepEqual(
      out.filter((c) => c.kind === 'overflow'),
      [
        {
          kind: 'overflow',
          callId: 'x3',
          fromQueueId: 'q',
          target: { kind: 'voicemail', mailbox: 'sales' },
          reason: 'queue-length',
        },
      ],
    );
    assert.equal(h.acd.state.calls.has('x3'), false);
    assert.equal(h.acd.state.queues.get('q')?.inQueue, 2);
    const cb = h.enter('y', 'r');
    assert.equal(cb.find((c) => c.kind === 'overflow')?.kind, 'overflow');
  });

  it('a call ringing when its wait limit passes overflows only if that ring fails', () => {
    const h = new Harness();
    h.queue('q', {
      ringTimeoutMs: 20_000,
      overflow: { maxWaitMs: 10_000, maxWaiting: null, target: { kind: 'callback' } },
    });
    h.agent('a', [{ queueId: 'q' }]);
    h.enter('x', 'q');
    h.clock.advance(10_000);
    assert.equal(h.named('queue.overflowed').length, 0);
    h.clock.advance(10_000);
    assert.equal(h.named('queue.overflowed').length, 1);
  });

  it('stops an overflow loop after the hop limit: the call stays queued', () => {
    const h = new Harness();
    h.queue('a', {
      overflow: { maxWaitMs: 1_000, maxWaiting: null, target: { kind: 'queue', queueId: 'b' } },
    });
    h.queue('b', {
      overflow: { maxWaitMs: 1_000, maxWaiting: null, target: { kind: 'queue', queueId: 'a' } },
    });
    h.enter('x', 'a');
    for (let i = 0; i < 20; i++) h.clock.advance(1_000);
    assert.equal(h.named('queue.overflowed').length, 8);
    assert.ok(h.acd.state.calls.has('x'));
  });

  it('refuses a queue that overflows to itself', () => {
    assert.throws(
      () =>
        queueConfig({
          queueId: 'q',
          overflow: { maxWaitMs: 1, maxWaiting: null, target: { kind: 'queue', queueId: 'q' } },
        }),
      (e) => isSwbError(e, 'SWB_VALIDATION'),
    );
  });
});

describe('timed skill widening', () => {
  it('offers only best-level agents first, then lower levels after the configured waits', () => {
    const h = new Harness();
    h.queue('q', {
      ringTimeoutMs: 120_000,
      minLevel: 8,
      widening: [
        { afterMs: 20_000, minLevel: 5 },
        { afterMs: 40_000, minLevel: 1 },
      ],
    });
    h.agent('mid', [{ queueId: 'q', level: 6 }]);
    h.agent('low', [{ queueId: 'q', level: 2 }]);
    h.enter('x', 'q');
    assert.equal(h.lastOffer('x'), undefined);
    h.enter('y', 'q');
    h.clock.advance(20_000);
    const ox = h.lastOffer('x')!;
    assert.equal(ox.agents[0]?.agentId, 'mid');
    assert.equal(ox.explain.minLevel, 5);
    assert.deepEqual(ox.explain.others, [{ agentId: 'low', why: 'level', detail: 'level 2 < 5' }]);
    h.clock.advance(20_000);
    assert.equal(h.lastOffer('y')?.agents[0]?.agentId, 'low');
    assert.deepEqual(
      h.named('queue.widened').map((e) => [e.callId, e.minLevel]),
      [
        ['x', 5],
        ['y', 5],
        ['y', 1],
      ],
    );
  });

  it('refuses widening steps that do not lower the level', () => {
    assert.throws(
      () => queueConfig({ queueId: 'q', minLevel: 5, widening: [{ afterMs: 10, minLevel: 6 }] }),
      (e) => isSwbError(e, 'SWB_VALIDATION'),
    );
  });
});

describe('bad input changes nothing', () => {
  it('unknown queue, duplicate call, bad priority, unknown agent, bad reason code', () => {
    const h = new Harness();
    h.queue('q');
    h.agent('a', [{ queueId: 'q' }]);
    h.enter('x', 'q');
    const check = (f: () => unknown, code: Parameters<typeof isSwbError>[1]) =>
      assert.throws(f, (e) => isSwbError(e, code));
    check(() => h.enter('y', 'nope'), 'SWB_NOT_FOUND');
    check(() => h.enter('x', 'q'), 'SWB_CONFLICT');
    check(() => h.enter('z', 'q', { priority: 10 }), 'SWB_VALIDATION');
    check(() => h.do({ type: 'agent.ready', agentId: 'ghost' }), 'SWB_NOT_FOUND');
    check(() => h.do({ type: 'agent.not-ready', agentId: 'a', reason: 'Coffee Break!' }), 'SWB_VALIDATION');
    check(
      () =>
        h.do({
          type: 'agent.configure',
          agentId: 'b',
          memberships: [{ queueId: 'q', level: 11, tier: 1, position: 0 }],
        }),
      'SWB_VALIDATION',
    );
    assert.equal(h.acd.state.calls.size, 1);
    assert.equal(h.agentRec('a').state, 'offered');
  });

  it('moving a ringing agent to another group never loses the call', () => {
    const h = new Harness();
    h.queue('q');
    h.queue('r');
    h.agent('a', [{ queueId: 'q' }]);
    h.enter('x', 'q');
    h.do({
      type: 'agent.configure',
      agentId: 'a',
      memberships: [{ queueId: 'r', level: 5, tier: 1, position: 0 }],
    });
    assert.equal(h.acd.state.calls.get('x')?.status, 'offered');
    h.do({ type: 'offer.answer', callId: 'x', agentId: 'a' });
    assert.equal(h.named('queue.answered').length, 1);
  });
});
