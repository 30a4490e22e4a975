import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AcdCommand } from '../../../src/acd/acd-engine.js';
import { STRATEGIES } from '../../../src/acd/queue-config.js';
import { seededRng } from '../../../src/acd/rng.js';
import { isAvailable } from '../../../src/agents/agent.js';
import { isSwbError } from '../../../src/kernel/errors.js';
import { Harness } from './harness.js';

/**
 * Property-style: random but seeded sequences of every kind of event (bounded: RUNS × STEPS),
 * with the invariants checked after every event and at the end:
 * - no agent is offered two calls at once, and an offer only reaches a ready, idle agent;
 * - FIFO within priority: a call's first offer never overtakes an earlier call of the same
 *   queue and priority that has not been offered yet (last-agent calls excepted: they wait for
 *   one agent by design);
 * - the indexes agree with the records (an agent is in a queue's index iff available there);
 * - nothing is lost: every queue entry ends answered, abandoned or overflowed exactly once.
 */
const RUNS = 40;
const STEPS = 400;

function run(seed: number): number {
  const rnd = seededRng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pickOf = <T>(xs: readonly T[]): T | undefined => xs[int(xs.length)];
  const h = new Harness(seed);
  const queues = ['q0', 'q1', 'q2'];
  for (const [i, q] of queues.entries()) {
    h.queue(q, {
      strategy: pickOf(STRATEGIES)!,
      ringTimeoutMs: 10_000,
      tierDelayMs: pickOf([0, 5_000, 15_000])!,
      wrapUpMs: pickOf([null, 0, 5_000])!,
      maxMissedOffers: 3,
      ...(rnd() < 0.5 ? { minLevel: 5, widening: [{ afterMs: 20_000, minLevel: 1 }] } : { minLevel: 1 }),
      lastAgent: rnd() < 0.5 ? { waitMs: 10_000 } : null,
      overflow:
        rnd() < 0.6
          ? {
              maxWaitMs: pickOf([30_000, 90_000])!,
              maxWaiting: pickOf([null, 6])!,
              target: rnd() < 0.5 ? { kind: 'queue', queueId: queues[(i + 1) % 3]! } : { kind: 'callback' },
            }
          : null,
    });
  }
  const agents = Array.from({ length: 8 }, (_, i) => `a${i}`);
  for (const [i, id] of agents.entries()) {
    const mine = queues.filter(() => rnd() < 0.6);
    if (mine.length === 0) mine.push(queues[i % 3]!);
    h.agent(
      id,
      mine.map((queueId) => ({ queueId, level: 1 + int(10), tier: 1 + int(3), position: int(5) })),
      { signIn: rnd() < 0.8, ready: rnd() < 0.8 },
    );
  }

  // the test's own model of queue entries, fed by the published events
  type Entry = { queueId: string; priority: number; seq: number; firstOffered: boolean; hasLast: boolean };
  const live = new Map<string, Entry>();
  const lastAgentOf = new Map<string, boolean>();
  let entries = 0;
  let ended = 0;
  let seq = 0;
  let seen = 0;
  const status = new Map<string, string>();
  for (const id of agents) status.set(id, h.agentRec(id).status);

  const consume = () => {
    for (; seen < h.events.length; seen++) {
      const r = h.events[seen]!;
      if (r.name === 'agent.status') status.set(r.e.agentId, r.e.to);
      else if (r.name === 'agent.state' && r.e.to === 'offered') {
        assert.equal(r.e.from, 'idle', `${r.e.agentId} offered while ${r.e.from}`);
        assert.equal(
          status.get(r.e.agentId),
          'ready',
          `${r.e.agentId} offered while ${status.get(r.e.agentId)}`,
        );
      } else if (r.name === 'queue.entered') {
        assert.equal(live.has(r.e.callId), false, 'a call in two queues at once');
        live.set(r.e.callId, {
          queueId: r.e.queueId,
          priority: r.e.priority,
          seq: seq++,
          firstOffered: false,
          hasLast: lastAgentOf.get(r.e.callId) ?? false,
        });
        entries++;
      } else if (r.name === 'queue.offered') {
        const me = live.get(r.e.callId)!;
        assert.ok(me, 'offer of an unknown entry');
        if (!me.firstOffered && r.e.why !== 'last-agent') {
          for (const [id, o] of live) {
            if (id === r.e.callId || o.queueId !== me.queueId || o.priority !== me.priority || o.hasLast)
              continue;
            assert.ok(o.seq > me.seq || o.firstOffered, `FIFO: ${r.e.callId} offered before earlier ${id}`);
          }
        }
        me.firstOffered = true;
      } else if (
        r.name === 'queue.answered' ||
        r.name === 'queue.abandoned' ||
        r.name === 'queue.overflowed'
      ) {
        assert.ok(live.delete(r.e.callId), `${r.name} of ${r.e.callId} that was not queued`);
        ended++;
      }
    }
  };

  const checkState = () => {
    const s = h.acd.state;
    const ringing = new Map<string, string>();
    for (const c of s.calls.values()) {
      if (c.status !== 'offered') assert.equal(c.offeredTo.size, 0);
      else assert.ok(c.offeredTo.size > 0, `${c.callId} offered to nobody`);
      for (const id of c.offeredTo) {
        assert.equal(ringing.has(id), false, `${id} offered two calls at once`);
        ringing.set(id, c.callId);
        assert.equal(s.agents.get(id)?.state, 'offered');
        assert.equal(s.agents.get(id)?.callId, c.callId);
      }
    }
    for (const a of s.agents.values()) {
      if (a.state === 'offered')
        assert.equal(ringing.get(a.agentId), a.callId, `${a.agentId} offered a stale call`);
      for (const [qid, m] of a.memberships) {
        const q = s.queues.get(qid)!;
        const inIndex = q.avail.get(m.tier)?.get(m.level)?.has(a.agentId) ?? false;
        assert.equal(inIndex, isAvailable(a) && a.signedIn.has(qid), `${a.agentId} index in ${qid}`);
      }
    }
    let inQueues = 0;
    for (const q of s.queues.values()) inQueues += q.inQueue;
    assert.equal(inQueues, s.calls.size);
    assert.equal(live.size, s.calls.size, 'model and ACD agree on the calls in queue');
  };

  let callNo = 0;
  for (let step = 0; step < STEPS; step++) {
    const s = h.acd.state;
    const roll = rnd();
    let out: AcdCommand[] = [];
    try {
      if (roll < 0.22) {
        const callId = `c${callNo++}`;
        const last = rnd() < 0.2 ? pickOf(agents)! : undefined;
        lastAgentOf.set(callId, last !== undefined);
        out = h.enter(callId, pickOf(queues)!, { priority: int(3), ...(last ? { lastAgentId: last } : {}) });
      } else if (roll < 0.42) {
        const offered = [...s.calls.values()].filter((c) => c.status === 'offered');
        const c = pickOf(offered);
        if (c) out = h.do({ type: 'offer.answer', callId: c.callId, agentId: pickOf([...c.offeredTo])! });
      } else if (roll < 0.47) {
        const offered = [...s.calls.values()].filter((c) => c.status === 'offered');
        const c = pickOf(offered);
        if (c) out = h.do({ type: 'offer.reject', callId: c.callId, agentId: pickOf([...c.offeredTo])! });
      } else if (roll < 0.62) {
        const id = pickOf([...s.connected.keys()]);
        if (id) out = h.do({ type: rnd() < 0.15 ? 'call.hold' : 'call.end', callId: id });
      } else if (roll < 0.68) {
        const id = pickOf([...s.calls.keys()]);
        if (id) out = h.do({ type: 'call.abandon', callId: id });
      } else if (roll < 0.85) {
        const agentId = pickOf(agents)!;
        const kind = pickOf(['ready', 'not-ready', 'sign-in', 'sign-out', 'login', 'logout'] as const)!;
        if (kind === 'ready') out = h.do({ type: 'agent.ready', agentId });
        else if (kind === 'not-ready') out = h.do({ type: 'agent.not-ready', agentId, reason: 'break' });
        else if (kind === 'sign-in')
          out = h.do({ type: 'agent.sign-in', agentId, mode: { kind: 'web' }, ready: rnd() < 0.7 });
        else if (kind === 'sign-out') out = h.do({ type: 'agent.sign-out', agentId });
        else if (kind === 'login') out = h.do({ type: 'agent.login', agentId });
        else out = h.do({ type: 'agent.logout', agentId });
      } else {
        h.clock.advance(int(20_000));
      }
    } catch (e) {
      // illegal transitions are expected in a random walk; anything else is a bug
      assert.ok(isSwbError(e, 'SWB_ILLEGAL_TRANSITION'), `seed ${seed} step ${step}: ${String(e)}`);
    }
    void out;
    consume();
    checkState();
  }
  // drain: every caller hangs up, every connected call ends
  for (const id of [...h.acd.state.calls.keys()]) h.do({ type: 'call.abandon', callId: id });
  for (const id of [...h.acd.state.connected.keys()]) h.do({ type: 'call.end', callId: id });
  consume();
  checkState();
  assert.equal(live.size, 0);
  assert.equal(ended, entries, 'every entry ended exactly once');
  assert.ok(entries > 20, `the walk exercised the queues (${entries} entries)`);
  return h.named('queue.answered').length;
}

describe('routing invariants under random event sequences', () => {
  it(`hold for ${RUNS} seeded runs of ${STEPS} events`, () => {
    let answered = 0;
    for (let seed = 1; seed <= RUNS; seed++) answered += run(seed);
    // the walks connect calls too, not only abandon or overflow them
    assert.ok(answered > RUNS * 5, `${answered} answered`);
  });
});
