import { type AgentRecord, isAvailable } from '../agents/agent.js';
import type { AgentState } from '../agents/agent-state.js';
import { AGENT_STATE_MACHINE } from '../agents/agent-state.js';
import type { AgentStatus } from '../agents/agent-status.js';
import { AGENT_STATUS_MACHINE, MISSED_REASON } from '../agents/agent-status.js';
import { assertTransition } from '../agents/machine.js';
import type { DomainEvents } from '../kernel/domain-events.js';
import {
  clearCallTimers,
  clearTimer,
  indexAgent,
  pushWaiting,
  removeWaiting,
  setTimer,
  unindexAgent,
} from './acd-state.js';
import type { AcdDecision, AcdEmit, AcdState, CallEntry, ChosenWhy } from './acd-types.js';
import { MAX_OVERFLOW_HOPS } from './acd-types.js';
import { explainOffer } from './explain.js';
import { minLevelAt, nextGateAfter } from './queue-config.js';
import { selectAgents, selectCall } from './select.js';

/** Decisions of one decide() run, in order. */
export type Out = AcdDecision[];

export function emit<K extends AcdEmit['name']>(out: Out, name: K, event: DomainEvents[K][0]): void {
  out.push({ kind: 'emit', name, event } as AcdEmit);
}

export function setStatus(
  s: AcdState,
  out: Out,
  a: AgentRecord,
  to: AgentStatus,
  reason: string | null,
  at: number,
): void {
  assertTransition(AGENT_STATUS_MACHINE, a.status, to);
  const from = a.status;
  a.status = to;
  a.reason = to === 'not-ready' ? reason : null;
  emit(out, 'agent.status', { tenantId: s.tenantId, agentId: a.agentId, from, to, reason: a.reason, at });
}

export function setState(
  s: AcdState,
  out: Out,
  a: AgentRecord,
  to: AgentState,
  reason: string,
  at: number,
): void {
  assertTransition(AGENT_STATE_MACHINE, a.state, to);
  const from = a.state;
  a.state = to;
  emit(out, 'agent.state', {
    tenantId: s.tenantId,
    agentId: a.agentId,
    from,
    to,
    callId: a.callId,
    queueId: a.callQueueId,
    reason,
    at,
  });
  if (to === 'idle') {
    a.callId = null;
    a.callQueueId = null;
    a.idleSince = at;
    a.wrapUpEndsAt = null;
  }
}

/** After any change to an agent: back into the indexes if available, and give them a call. */
export function settle(s: AcdState, out: Out, a: AgentRecord, at: number): void {
  if (!isAvailable(a)) return;
  indexAgent(s, a);
  const call = selectCall(s, a, at);
  if (call) offer(s, out, call, [a], call.reservedFor === a.agentId ? 'last-agent' : null, at);
}

export function offer(
  s: AcdState,
  out: Out,
  call: CallEntry,
  agents: AgentRecord[],
  why: ChosenWhy | null,
  at: number,
): void {
  const q = s.queues.get(call.queueId)!;
  const cfg = q.config;
  const explain = explainOffer(s, q, call, agents, why ?? cfg.strategy, at);
  if (call.status === 'waiting') removeWaiting(q, call);
  if (call.status === 'reserved' && call.reservedFor) unreserve(s, call);
  clearTimer(s, 'gate', call.callId);
  call.status = 'offered';
  call.attempts++;
  q.turn++;
  for (const a of agents) {
    unindexAgent(s, a);
    a.callId = call.callId;
    a.callQueueId = call.queueId;
    a.rrTurn.set(call.queueId, q.turn);
    setState(s, out, a, 'offered', 'offer', at);
    call.offeredTo.add(a.agentId);
  }
  setTimer(s, 'ring', call.callId, at + cfg.ringTimeoutMs);
  out.push({
    kind: 'offer',
    callId: call.callId,
    queueId: call.queueId,
    agents: agents.map((a) => ({ agentId: a.agentId, mode: a.mode })),
    ringTimeoutMs: cfg.ringTimeoutMs,
    explain,
  });
  emit(out, 'queue.offered', {
    tenantId: s.tenantId,
    queueId: call.queueId,
    callId: call.callId,
    agentIds: agents.map((a) => a.agentId),
    attempt: call.attempts,
    why: why ?? cfg.strategy,
    waitedMs: at - call.enteredAt,
    at,
  });
}

function unreserve(s: AcdState, call: CallEntry): void {
  if (!call.reservedFor) return;
  const set = s.reserved.get(call.reservedFor);
  set?.delete(call.callId);
  if (set && set.size === 0) s.reserved.delete(call.reservedFor);
  call.reservedFor = null;
  clearTimer(s, 'last-agent', call.callId);
}

/** Route a waiting call: offer it now, or wait for the next gate (tier delay, widening). */
export function routeCall(s: AcdState, out: Out, call: CallEntry, at: number): void {
  const q = s.queues.get(call.queueId)!;
  const waited = at - call.enteredAt;
  const level = minLevelAt(q.config, waited);
  if (level < call.minLevel) {
    call.minLevel = level;
    emit(out, 'queue.widened', {
      tenantId: s.tenantId,
      queueId: call.queueId,
      callId: call.callId,
      minLevel: level,
      waitedMs: waited,
      at,
    });
  }
  const agents = selectAgents(s, q, call, at);
  if (agents.length > 0) {
    offer(s, out, call, agents, null, at);
    return;
  }
  call.status = 'waiting';
  pushWaiting(q, call);
  const gate = nextGateAfter(q.config, waited, q.maxTierPresent);
  if (gate !== null) setTimer(s, 'gate', call.callId, call.enteredAt + gate);
}

/** Hold a call for one agent (last-agent routing) until they are free or the wait limit passes. */
export function reserve(s: AcdState, call: CallEntry, agentId: string, until: number): void {
  call.status = 'reserved';
  call.reservedFor = agentId;
  let set = s.reserved.get(agentId);
  if (!set) {
    set = new Set();
    s.reserved.set(agentId, set);
  }
  set.add(call.callId);
  setTimer(s, 'last-agent', call.callId, until);
}

/** A reserved call goes to the other agents. */
export function fallback(
  s: AcdState,
  out: Out,
  call: CallEntry,
  reason: DomainEvents['queue.last_agent_fallback'][0]['reason'],
  agentId: string,
  at: number,
): void {
  unreserve(s, call);
  emit(out, 'queue.last_agent_fallback', {
    tenantId: s.tenantId,
    queueId: call.queueId,
    callId: call.callId,
    agentId,
    reason,
    at,
  });
  routeCall(s, out, call, at);
}

/** Release every call held for an agent who can no longer take them. */
export function releaseReservations(s: AcdState, out: Out, a: AgentRecord, at: number): void {
  const set = s.reserved.get(a.agentId);
  if (!set) return;
  for (const id of [...set]) {
    const c = s.calls.get(id);
    if (c) fallback(s, out, c, 'unavailable', a.agentId, at);
  }
}

/** Forget a call that left the queue (answered, abandoned, overflowed). */
export function dropCall(s: AcdState, call: CallEntry): void {
  const q = s.queues.get(call.queueId);
  if (q) {
    removeWaiting(q, call);
    q.inQueue--;
  }
  unreserve(s, call);
  clearCallTimers(s, call.callId);
  s.calls.delete(call.callId);
}

/**
 * A call joins a queue: length overflow, last-agent routing, then normal routing. Also used
 * when a call overflows into another queue (it keeps priority and last agent).
 */
export function enterQueue(
  s: AcdState,
  out: Out,
  init: { callId: string; queueId: string; priority: number; lastAgentId: string | null; hops: number },
  overflowFrom: string | null,
  at: number,
): void {
  const q = s.queues.get(init.queueId)!;
  const call: CallEntry = {
    callId: init.callId,
    queueId: init.queueId,
    priority: init.priority,
    enteredAt: at,
    seq: s.seq++,
    status: 'waiting',
    offeredTo: new Set(),
    attempts: 0,
    missedBy: new Set(),
    lastAgentId: init.lastAgentId,
    reservedFor: null,
    minLevel: q.config.minLevel,
    overflowDue: false,
    hops: init.hops,
  };
  s.calls.set(call.callId, call);
  q.inQueue++;
  emit(out, 'queue.entered', {
    tenantId: s.tenantId,
    queueId: q.config.queueId,
    callId: call.callId,
    priority: call.priority,
    overflowFrom,
    at,
  });
  const ov = q.config.overflow;
  // the arriving call itself is counted: maxWaiting = N means at most N wait
  if (
    ov &&
    ov.maxWaiting !== null &&
    q.inQueue > ov.maxWaiting &&
    overflowTo(s, out, call, 'queue-length', at)
  )
    return;
  if (ov && ov.maxWaitMs !== null) setTimer(s, 'overflow', call.callId, at + ov.maxWaitMs);
  if (q.config.lastAgent && call.lastAgentId) {
    const la = s.agents.get(call.lastAgentId);
    const reason = !la
      ? 'unknown-agent'
      : !la.memberships.has(call.queueId)
        ? 'not-member'
        : !la.signedIn.has(call.queueId)
          ? 'not-signed-in'
          : null;
    if (reason || !la) {
      fallback(s, out, call, reason ?? 'unknown-agent', call.lastAgentId, at);
      return;
    }
    if (isAvailable(la)) {
      offer(s, out, call, [la], 'last-agent', at);
      return;
    }
    if (la.status === 'ready' && q.config.lastAgent.waitMs > 0) {
      // busy (talking, wrap-up, ringing): hold the call for them up to the wait limit
      reserve(s, call, la.agentId, at + q.config.lastAgent.waitMs);
      return;
    }
    fallback(s, out, call, 'unavailable', la.agentId, at);
    return;
  }
  routeCall(s, out, call, at);
}

/**
 * Apply the queue's overflow rule. Returns false (the call stays) when the target queue is
 * unknown or the call has already hopped MAX_OVERFLOW_HOPS times: a call is never dropped.
 */
export function overflowTo(
  s: AcdState,
  out: Out,
  call: CallEntry,
  reason: 'wait-time' | 'queue-length',
  at: number,
): boolean {
  const q = s.queues.get(call.queueId)!;
  const ov = q.config.overflow;
  if (!ov) return false;
  const t = ov.target;
  if (t.kind === 'queue' && (!s.queues.has(t.queueId) || call.hops >= MAX_OVERFLOW_HOPS)) return false;
  dropCall(s, call);
  emit(out, 'queue.overflowed', {
    tenantId: s.tenantId,
    queueId: call.queueId,
    callId: call.callId,
    reason,
    target: t,
    waitedMs: at - call.enteredAt,
    at,
  });
  out.push({ kind: 'overflow', callId: call.callId, fromQueueId: call.queueId, target: t, reason });
  if (t.kind === 'queue') {
    enterQueue(
      s,
      out,
      {
        callId: call.callId,
        queueId: t.queueId,
        priority: call.priority,
        lastAgentId: call.lastAgentId,
        hops: call.hops + 1,
      },
      call.queueId,
      at,
    );
  }
  return true;
}

/** The ring ended without an answer for these agents: count the miss, maybe set not-ready. */
export function missOffer(
  s: AcdState,
  out: Out,
  call: CallEntry,
  a: AgentRecord,
  reason: 'timeout' | 'rejected',
  at: number,
): void {
  const q = s.queues.get(call.queueId)!;
  call.offeredTo.delete(a.agentId);
  call.missedBy.add(a.agentId);
  a.missedInRow++;
  emit(out, 'offer.missed', {
    tenantId: s.tenantId,
    queueId: call.queueId,
    callId: call.callId,
    agentId: a.agentId,
    reason,
    missedInRow: a.missedInRow,
    at,
  });
  setState(s, out, a, 'idle', reason === 'timeout' ? 'missed' : 'rejected', at);
  if (a.missedInRow >= q.config.maxMissedOffers && a.status !== 'not-ready') {
    setStatus(s, out, a, 'not-ready', MISSED_REASON, at);
    releaseReservations(s, out, a, at);
  }
}

/** Nobody is ringing the call any more: back to its place in the queue, or overflow now. */
export function requeue(s: AcdState, out: Out, call: CallEntry, at: number): void {
  clearTimer(s, 'ring', call.callId);
  call.status = 'waiting';
  if (call.overflowDue && overflowTo(s, out, call, 'wait-time', at)) return;
  routeCall(s, out, call, at);
}
