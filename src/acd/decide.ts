import {
  type AgentRecord,
  isAgentId,
  newAgentRecord,
  validateMembership,
  validateSignInMode,
} from '../agents/agent.js';
import { AGENT_STATUS_MACHINE, isReasonCode, isSignedIn } from '../agents/agent-status.js';
import { assertTransition } from '../agents/machine.js';
import { SwbError } from '../kernel/errors.js';
import { newQueueRuntime, recomputeMaxTier, reindexQueue, setTimer, unindexAgent } from './acd-state.js';
import type { AcdEvent, AcdState, CallEntry, DecideResult, Timer } from './acd-types.js';
import { MAX_PRIORITY, MIN_PRIORITY } from './acd-types.js';
import {
  dropCall,
  emit,
  enterQueue,
  fallback,
  missOffer,
  type Out,
  overflowTo,
  releaseReservations,
  requeue,
  routeCall,
  setState,
  setStatus,
  settle,
} from './routing.js';

/**
 * The routing core: decide(state, event) → { state, decisions, wakeAt }. No I/O, no clock and
 * no randomness but the seeded rng inside the state: the same state and events give the same
 * decisions. Timers that fell due at or before `event.at` run first, each at its own time.
 *
 * The state is updated in place and returned (copying 50,000 waiting calls per decision would
 * cost more than the decision): the caller owns it and feeds events one at a time (one ACD
 * owner per tenant). A rejected event (bad input, illegal transition) throws a SwbError and
 * changes nothing: every check runs before the first mutation.
 */
export function decide(s: AcdState, ev: AcdEvent): DecideResult {
  const out: Out = [];
  runTimers(s, out, ev.at);
  handle(s, out, ev);
  return { state: s, decisions: out, wakeAt: s.timers.peek()?.at ?? null };
}

function agentOf(s: AcdState, agentId: string): AgentRecord {
  const a = s.agents.get(agentId);
  if (!a) throw new SwbError('SWB_NOT_FOUND', { resource: 'Agent' });
  return a;
}

function runTimers(s: AcdState, out: Out, now: number): void {
  for (let t = s.timers.peek(); t && t.at <= now; t = s.timers.peek()) {
    s.timers.pop();
    fire(s, out, t);
  }
}

function fire(s: AcdState, out: Out, t: Timer): void {
  const at = t.at;
  if (t.kind === 'wrap-up') {
    const a = s.agents.get(t.ref);
    if (a?.state !== 'after-call-work') return;
    setState(s, out, a, 'idle', 'wrap-up-timeout', at);
    settle(s, out, a, at);
    return;
  }
  const call = s.calls.get(t.ref);
  if (!call) return;
  switch (t.kind) {
    case 'ring': {
      if (call.status !== 'offered') return;
      const missed = [...call.offeredTo].map((id) => s.agents.get(id)!);
      for (const a of missed) {
        out.push({ kind: 'cancel-offer', callId: call.callId, agentId: a.agentId, reason: 'timeout' });
        missOffer(s, out, call, a, 'timeout', at);
      }
      requeue(s, out, call, at);
      for (const a of missed) settle(s, out, a, at);
      return;
    }
    case 'gate':
      if (call.status === 'waiting') routeCall(s, out, call, at);
      return;
    case 'overflow':
      if (call.status === 'offered') call.overflowDue = true;
      else overflowTo(s, out, call, 'wait-time', at);
      return;
    case 'last-agent':
      if (call.status === 'reserved') fallback(s, out, call, 'wait-limit', call.reservedFor ?? '', at);
      return;
  }
}

function handle(s: AcdState, out: Out, ev: AcdEvent): void {
  const at = ev.at;
  switch (ev.type) {
    case 'tick':
      return;
    case 'queue.configure': {
      const old = s.queues.get(ev.config.queueId);
      if (!old) {
        s.queues.set(ev.config.queueId, newQueueRuntime(ev.config));
        return;
      }
      const strategyChanged = old.config.strategy !== ev.config.strategy;
      // live offers and waiting calls stay; the new rules apply from the next decision
      old.config = ev.config;
      if (strategyChanged) reindexQueue(s, old);
      return;
    }
    case 'agent.configure': {
      if (!isAgentId(ev.agentId)) throw new SwbError('SWB_INVALID_ID', { id: ev.agentId });
      const seen = new Set<string>();
      for (const m of ev.memberships) {
        validateMembership(m);
        if (!s.queues.has(m.queueId)) throw new SwbError('SWB_NOT_FOUND', { resource: `Queue ${m.queueId}` });
        if (seen.has(m.queueId))
          throw new SwbError('SWB_VALIDATION', { field: 'memberships', reason: 'a queue twice' });
        seen.add(m.queueId);
      }
      let a = s.agents.get(ev.agentId);
      if (!a) {
        a = newAgentRecord(ev.agentId, ev.userId ?? null, at);
        s.agents.set(a.agentId, a);
      } else {
        unindexAgent(s, a);
        if (ev.userId !== undefined) a.userId = ev.userId;
      }
      const touched = new Set<string>([...a.memberships.keys(), ...seen]);
      for (const qid of a.memberships.keys()) s.queues.get(qid)?.members.delete(a.agentId);
      a.memberships = new Map(ev.memberships.map((m) => [m.queueId, { ...m }]));
      for (const qid of a.memberships.keys()) s.queues.get(qid)!.members.add(a.agentId);
      // moved out of a group: signed out of it; the other groups are kept
      for (const qid of [...a.signedIn]) if (!a.memberships.has(qid)) a.signedIn.delete(qid);
      for (const qid of touched) {
        const q = s.queues.get(qid);
        if (q) recomputeMaxTier(s, q);
      }
      settle(s, out, a, at);
      return;
    }
    case 'agent.login': {
      const a = agentOf(s, ev.agentId);
      // the table's ready → logged-in is signing out; logging in starts only from logged-out
      if (a.status !== 'logged-out')
        throw new SwbError('SWB_ILLEGAL_TRANSITION', {
          machine: 'agent.status',
          from: a.status,
          to: 'logged-in',
        });
      setStatus(s, out, a, 'logged-in', null, at);
      return;
    }
    case 'agent.logout': {
      const a = agentOf(s, ev.agentId);
      if (isSignedIn(a.status)) signOut(s, out, a, at);
      setStatus(s, out, a, 'logged-out', null, at);
      return;
    }
    case 'agent.sign-in': {
      const a = agentOf(s, ev.agentId);
      assertTransition(AGENT_STATUS_MACHINE, a.status, 'signed-in');
      validateSignInMode(ev.mode);
      const wanted = ev.queueIds ?? [...a.memberships.keys()];
      if (wanted.length === 0)
        throw new SwbError('SWB_AGENT_NOT_MEMBER', { agentId: a.agentId, queueId: '(none)' });
      for (const qid of wanted) {
        if (!a.memberships.has(qid))
          throw new SwbError('SWB_AGENT_NOT_MEMBER', { agentId: a.agentId, queueId: qid });
      }
      a.mode = ev.mode;
      a.signedIn = new Set(wanted);
      setStatus(s, out, a, 'signed-in', null, at);
      if (ev.ready) {
        setStatus(s, out, a, 'ready', null, at);
        if (a.state === 'idle') a.idleSince = at;
        settle(s, out, a, at);
      }
      return;
    }
    case 'agent.sign-out': {
      const a = agentOf(s, ev.agentId);
      assertTransition(AGENT_STATUS_MACHINE, a.status, 'logged-in');
      signOut(s, out, a, at);
      return;
    }
    case 'agent.ready': {
      const a = agentOf(s, ev.agentId);
      const inWrapUp = a.state === 'after-call-work';
      // ready → ready is a no-op only when it ends wrap-up (behaviour 1); otherwise illegal
      if (a.status !== 'ready' || !inWrapUp) assertTransition(AGENT_STATUS_MACHINE, a.status, 'ready');
      unindexAgent(s, a);
      if (a.status !== 'ready') setStatus(s, out, a, 'ready', null, at);
      if (inWrapUp) setState(s, out, a, 'idle', 'ready', at);
      else if (a.state === 'idle') a.idleSince = at;
      settle(s, out, a, at);
      return;
    }
    case 'agent.not-ready': {
      const a = agentOf(s, ev.agentId);
      if (!isReasonCode(ev.reason))
        throw new SwbError('SWB_VALIDATION', { field: 'reason', reason: 'a reason code' });
      assertTransition(AGENT_STATUS_MACHINE, a.status, 'not-ready');
      unindexAgent(s, a);
      setStatus(s, out, a, 'not-ready', ev.reason, at);
      releaseReservations(s, out, a, at);
      return;
    }
    case 'call.enter': {
      const q = s.queues.get(ev.queueId);
      if (!q) throw new SwbError('SWB_NOT_FOUND', { resource: `Queue ${ev.queueId}` });
      if (s.calls.has(ev.callId) || s.connected.has(ev.callId))
        throw new SwbError('SWB_CONFLICT', { resource: `Call ${ev.callId} in the ACD` });
      const priority = ev.priority ?? 0;
      if (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY)
        throw new SwbError('SWB_VALIDATION', {
          field: 'priority',
          reason: `${MIN_PRIORITY}–${MAX_PRIORITY}`,
        });
      enterQueue(
        s,
        out,
        { callId: ev.callId, queueId: ev.queueId, priority, lastAgentId: ev.lastAgentId ?? null, hops: 0 },
        null,
        at,
      );
      return;
    }
    case 'offer.answer':
      answer(s, out, ev.callId, ev.agentId, at);
      return;
    case 'offer.reject': {
      const call = s.calls.get(ev.callId);
      const a = s.agents.get(ev.agentId);
      if (!call || !a || call.status !== 'offered' || !call.offeredTo.has(a.agentId)) return;
      unindexAgent(s, a);
      missOffer(s, out, call, a, 'rejected', at);
      if (call.offeredTo.size === 0) requeue(s, out, call, at);
      settle(s, out, a, at);
      return;
    }
    case 'call.hold':
    case 'call.resume': {
      const id = s.connected.get(ev.callId);
      if (!id) throw new SwbError('SWB_NOT_FOUND', { resource: `Connected call ${ev.callId}` });
      const a = s.agents.get(id)!;
      setState(
        s,
        out,
        a,
        ev.type === 'call.hold' ? 'held' : 'talking',
        ev.type === 'call.hold' ? 'hold' : 'resume',
        at,
      );
      return;
    }
    case 'call.end': {
      const id = s.connected.get(ev.callId);
      if (!id) {
        // ended before it was answered: the caller left the queue
        abandon(s, out, ev.callId, at);
        return;
      }
      endCall(s, out, ev.callId, id, at);
      return;
    }
    case 'call.abandon':
      if (s.connected.has(ev.callId)) endCall(s, out, ev.callId, s.connected.get(ev.callId)!, at);
      else abandon(s, out, ev.callId, at);
      return;
  }
}

function signOut(s: AcdState, out: Out, a: AgentRecord, at: number): void {
  // status first: from here on the agent is unavailable to everything the release below routes
  unindexAgent(s, a);
  a.signedIn = new Set();
  setStatus(s, out, a, 'logged-in', null, at);
  releaseReservations(s, out, a, at);
  if (a.state === 'offered' && a.callId) {
    const call = s.calls.get(a.callId);
    out.push({ kind: 'cancel-offer', callId: a.callId, agentId: a.agentId, reason: 'signed-out' });
    setState(s, out, a, 'idle', 'signed-out', at);
    if (call) {
      call.offeredTo.delete(a.agentId);
      if (call.offeredTo.size === 0) requeue(s, out, call, at);
    }
  }
}

function answer(s: AcdState, out: Out, callId: string, agentId: string, at: number): void {
  const call = s.calls.get(callId);
  const a = s.agents.get(agentId);
  if (!call || !a || call.status !== 'offered' || !call.offeredTo.has(agentId)) {
    // a late answer (another agent won the ring-all, the caller hung up): tell the call layer
    out.push({ kind: 'cancel-offer', callId, agentId, reason: 'not-offered' });
    return;
  }
  const others = [...call.offeredTo].filter((id) => id !== agentId).map((id) => s.agents.get(id)!);
  dropCall(s, call);
  s.connected.set(callId, agentId);
  a.missedInRow = 0;
  a.calls++;
  a.talkStartedAt = at;
  setState(s, out, a, 'talking', 'answer', at);
  out.push({ kind: 'connect', callId, queueId: call.queueId, agentId });
  emit(out, 'queue.answered', {
    tenantId: s.tenantId,
    queueId: call.queueId,
    callId,
    agentId,
    waitedMs: at - call.enteredAt,
    at,
  });
  for (const o of others) {
    out.push({ kind: 'cancel-offer', callId, agentId: o.agentId, reason: 'answered-elsewhere' });
    setState(s, out, o, 'idle', 'answered-elsewhere', at);
    settle(s, out, o, at);
  }
}

function endCall(s: AcdState, out: Out, callId: string, agentId: string, at: number): void {
  const a = s.agents.get(agentId)!;
  s.connected.delete(callId);
  if (a.talkStartedAt !== null) a.talkMs += at - a.talkStartedAt;
  a.talkStartedAt = null;
  setState(s, out, a, 'after-call-work', 'end', at);
  const wrap = a.callQueueId ? s.queues.get(a.callQueueId)?.config.wrapUpMs : null;
  if (wrap === 0) {
    setState(s, out, a, 'idle', 'wrap-up-timeout', at);
    settle(s, out, a, at);
  } else if (wrap !== null && wrap !== undefined) {
    a.wrapUpEndsAt = at + wrap;
    setTimer(s, 'wrap-up', a.agentId, a.wrapUpEndsAt);
  }
}

function abandon(s: AcdState, out: Out, callId: string, at: number): void {
  const call: CallEntry | undefined = s.calls.get(callId);
  if (!call) return; // already answered, overflowed or never queued: nothing to undo
  const ringing = [...call.offeredTo].map((id) => s.agents.get(id)!);
  const wasOffered = call.attempts > 0;
  dropCall(s, call);
  emit(out, 'queue.abandoned', {
    tenantId: s.tenantId,
    queueId: call.queueId,
    callId,
    waitedMs: at - call.enteredAt,
    wasOffered,
    at,
  });
  for (const a of ringing) {
    out.push({ kind: 'cancel-offer', callId, agentId: a.agentId, reason: 'abandoned' });
    setState(s, out, a, 'idle', 'abandoned', at);
    settle(s, out, a, at);
  }
}
