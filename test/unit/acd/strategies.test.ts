import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueueConfig } from '../../../src/acd/queue-config.js';
import { Harness } from './harness.js';

/** Four agents a..d in one queue; each test sets up who is "best" by the strategy under test. */
function four(strategy: Partial<QueueConfig>, seed = 42): Harness {
  const h = new Harness(seed);
  h.queue('q', { ...strategy, wrapUpMs: 0 });
  return h;
}

describe('strategies', () => {
  it('longest-idle offers the agent idle the longest and explains the others as outranked', () => {
    const h = four({ strategy: 'longest-idle' });
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      h.agent(id, [{ queueId: 'q', position: i }]);
      h.clock.advance(1_000);
    }
    h.enter('x', 'q');
    const o = h.lastOffer('x')!;
    assert.equal(o.agents[0]?.agentId, 'a');
    assert.equal(o.explain.chosen[0]?.metric, 3_000);
    assert.deepEqual(
      o.explain.others.map((x) => [x.agentId, x.why, x.detail]),
      [
        ['b', 'outranked', 'idle ms 2000'],
        ['c', 'outranked', 'idle ms 1000'],
      ],
    );
  });

  it('fewest-calls offers the agent who answered fewest calls', () => {
    const h = four({ strategy: 'fewest-calls' });
    h.agent('a', [{ queueId: 'q' }]);
    h.agent('b', [{ queueId: 'q' }]);
    // a serves two calls, b one (b is offered when a is busy)
    h.enter('x1', 'q');
    h.serve('x1', 'a');
    h.enter('x2', 'q');
    assert.equal(h.lastOffer('x2')?.agents[0]?.agentId, 'b');
    h.serve('x2', 'b');
    h.enter('x3', 'q');
    // both have 1: tie broken by longest idle (a finished first)
    assert.equal(h.lastOffer('x3')?.agents[0]?.agentId, 'a');
    h.serve('x3', 'a');
    h.enter('x4', 'q');
    assert.equal(h.lastOffer('x4')?.agents[0]?.agentId, 'b', 'b has fewer calls (1 vs 2)');
  });

  it('least-talk-time offers the agent with the least total talk time', () => {
    const h = four({ strategy: 'least-talk-time' });
    h.agent('a', [{ queueId: 'q' }]);
    h.agent('b', [{ queueId: 'q' }]);
    h.enter('x1', 'q');
    h.serve('x1', 'a', 90_000);
    h.enter('x2', 'q');
    h.serve('x2', 'b', 10_000);
    h.enter('x3', 'q');
    h.serve('x3', 'b', 10_000);
    h.enter('x4', 'q');
    const o = h.lastOffer('x4')!;
    assert.equal(o.agents[0]?.agentId, 'b', 'b talked 20 s, a 90 s');
    assert.equal(o.explain.others[0]?.detail, 'talk ms 90000');
  });

  it('top-down always starts from the first agent in order', () => {
    const h = four({ strategy: 'top-down' });
    h.agent('c', [{ queueId: 'q', position: 3 }]);
    h.agent('a', [{ queueId: 'q', position: 1 }]);
    h.agent('b', [{ queueId: 'q', position: 2 }]);
    for (let i = 0; i < 3; i++) {
      h.enter(`x${i}`, 'q');
      assert.equal(h.lastOffer(`x${i}`)?.agents[0]?.agentId, 'a');
      h.serve(`x${i}`, 'a');
    }
    h.enter('y1', 'q');
    h.do({ type: 'offer.answer', callId: 'y1', agentId: 'a' });
    h.enter('y2', 'q');
    assert.equal(h.lastOffer('y2')?.agents[0]?.agentId, 'b', 'a busy: next in order');
  });

  it('round-robin rotates with memory, also across agents leaving and coming back', () => {
    const h = four({ strategy: 'round-robin' });
    h.agent('a', [{ queueId: 'q', position: 1 }]);
    h.agent('b', [{ queueId: 'q', position: 2 }]);
    h.agent('c', [{ queueId: 'q', position: 3 }]);
    const got: string[] = [];
    for (let i = 0; i < 7; i++) {
      h.enter(`x${i}`, 'q');
      const id = h.lastOffer(`x${i}`)!.agents[0]!.agentId;
      got.push(id);
      h.serve(`x${i}`, id);
      if (i === 3) {
        // b steps away and comes back: the rotation continues where it was
        h.do({ type: 'agent.not-ready', agentId: 'b', reason: 'break' });
        h.do({ type: 'agent.ready', agentId: 'b' });
      }
    }
    assert.deepEqual(got, ['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('random draws from the injected seeded rng: same seed, same picks; picks cover every agent', () => {
    const run = (seed: number) => {
      const h = four({ strategy: 'random' }, seed);
      for (const id of ['a', 'b', 'c', 'd']) h.agent(id, [{ queueId: 'q' }]);
      const got: string[] = [];
      for (let i = 0; i < 40; i++) {
        h.enter(`x${i}`, 'q');
        const id = h.lastOffer(`x${i}`)!.agents[0]!.agentId;
        got.push(id);
        h.serve(`x${i}`, id);
      }
      return got;
    };
    const one = run(7);
    assert.deepEqual(run(7), one);
    assert.notDeepEqual(run(8), one);
    assert.deepEqual([...new Set(one)].sort(), ['a', 'b', 'c', 'd']);
  });

  it('ring-all rings every free eligible agent; the first answer wins and the others are cancelled', () => {
    const h = four({ strategy: 'ring-all' });
    h.agent('a', [{ queueId: 'q' }]);
    h.agent('b', [{ queueId: 'q' }]);
    h.agent('c', [{ queueId: 'q' }]);
    h.do({ type: 'agent.not-ready', agentId: 'c', reason: 'training' });
    h.enter('x', 'q');
    const o = h.lastOffer('x')!;
    assert.deepEqual(o.agents.map((a) => a.agentId).sort(), ['a', 'b']);
    assert.deepEqual(o.explain.others, [{ agentId: 'c', why: 'not-ready', detail: 'training' }]);
    const out = h.do({ type: 'offer.answer', callId: 'x', agentId: 'b' });
    assert.deepEqual(
      out
        .filter((c) => c.kind === 'cancel-offer')
        .map((c) => [c.kind === 'cancel-offer' && c.agentId, c.kind === 'cancel-offer' && c.reason]),
      [['a', 'answered-elsewhere']],
    );
    assert.equal(h.agentRec('a').state, 'idle');
    const late = h.do({ type: 'offer.answer', callId: 'x', agentId: 'a' });
    assert.deepEqual(late, [{ kind: 'cancel-offer', callId: 'x', agentId: 'a', reason: 'not-offered' }]);
  });

  it('a strategy change on a live queue re-orders the free agents and keeps the ringing call', () => {
    const h = four({ strategy: 'top-down' });
    h.agent('a', [{ queueId: 'q', position: 2 }]);
    h.clock.advance(1000);
    h.agent('b', [{ queueId: 'q', position: 1 }]);
    h.agent('c', [{ queueId: 'q', position: 3 }]);
    h.enter('x', 'q');
    assert.equal(h.lastOffer('x')?.agents[0]?.agentId, 'b');
    h.queue('q', { strategy: 'longest-idle', wrapUpMs: 0 });
    assert.equal(h.acd.state.calls.get('x')?.status, 'offered');
    h.enter('y', 'q');
    assert.equal(h.lastOffer('y')?.agents[0]?.agentId, 'a', 'a idle longest');
  });
});

describe('customer priority', () => {
  it('serves a VIP before earlier normal callers, and FIFO within one priority', () => {
    const h = new Harness();
    h.queue('q', { wrapUpMs: 0 });
    h.agent('a', [{ queueId: 'q' }], { signIn: false });
    h.enter('n1', 'q');
    h.clock.advance(10);
    h.enter('n2', 'q');
    h.clock.advance(10);
    h.enter('v1', 'q', { priority: 5 });
    h.clock.advance(10);
    h.enter('v2', 'q', { priority: 5 });
    h.do({ type: 'agent.sign-in', agentId: 'a', mode: { kind: 'web' }, ready: true });
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      const o = h.commands.filter((c) => c.kind === 'offer').at(-1)!;
      assert.equal(o.kind, 'offer');
      if (o.kind !== 'offer') return;
      order.push(o.callId);
      h.serve(o.callId, 'a');
    }
    assert.deepEqual(order, ['v1', 'v2', 'n1', 'n2']);
  });
});
