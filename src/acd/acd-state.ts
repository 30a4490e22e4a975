import { type AgentRecord, isAvailable } from '../agents/agent.js';
import type { AcdState, CallEntry, QueueRuntime, Timer, TimerKind } from './acd-types.js';
import { MAX_PRIORITY } from './acd-types.js';
import { IndexedHeap } from './indexed-heap.js';
import type { QueueConfig } from './queue-config.js';
import type { Rng } from './rng.js';
import { agentOrder } from './strategies.js';

/**
 * The routing state of one tenant and the index maintenance every handler shares. Indexes:
 * per queue, available agents bucketed by tier and level in strategy-ordered heaps; waiting
 * calls per queue and priority in arrival-ordered heaps; one timer heap. Nothing here scans all
 * agents or all calls.
 */
export function createAcdState(tenantId: string, rng: Rng): AcdState {
  return {
    tenantId,
    rng,
    queues: new Map(),
    agents: new Map(),
    calls: new Map(),
    connected: new Map(),
    reserved: new Map(),
    timers: new IndexedHeap<Timer>(
      (t) => t.key,
      (a, b) => (a.at !== b.at ? a.at < b.at : a.seq < b.seq),
    ),
    seq: 0,
  };
}

export function newQueueRuntime(config: QueueConfig): QueueRuntime {
  return {
    config,
    members: new Set(),
    maxTierPresent: 1,
    avail: new Map(),
    tiers: [],
    waiting: new Array(MAX_PRIORITY + 1).fill(undefined),
    inQueue: 0,
    turn: 0,
  };
}

function callHeap(): IndexedHeap<CallEntry> {
  return new IndexedHeap<CallEntry>(
    (c) => c.callId,
    (a, b) => a.seq < b.seq,
  );
}

// ---- available-agent index ----

function bucket(s: AcdState, q: QueueRuntime, tier: number, level: number): IndexedHeap<AgentRecord> {
  let levels = q.avail.get(tier);
  if (!levels) {
    levels = new Map();
    q.avail.set(tier, levels);
    q.tiers.push(tier);
    q.tiers.sort((a, b) => a - b);
  }
  let h = levels.get(level);
  if (!h) {
    h = new IndexedHeap<AgentRecord>((a) => a.agentId, agentOrder(q.config.strategy, q.config.queueId));
    levels.set(level, h);
  }
  void s;
  return h;
}

/** Puts an available agent into every queue they are signed in to. */
export function indexAgent(s: AcdState, a: AgentRecord): void {
  if (!isAvailable(a)) return;
  for (const qid of a.signedIn) {
    const q = s.queues.get(qid);
    const m = a.memberships.get(qid);
    if (!q || !m) continue;
    const h = bucket(s, q, m.tier, m.level);
    if (!h.has(a.agentId)) h.push(a);
  }
}

/** Takes the agent out of every queue index (before any key a strategy reads changes). */
export function unindexAgent(s: AcdState, a: AgentRecord): void {
  for (const qid of a.memberships.keys()) {
    const q = s.queues.get(qid);
    const m = a.memberships.get(qid);
    if (!q || !m) continue;
    const levels = q.avail.get(m.tier);
    const h = levels?.get(m.level);
    if (h?.remove(a.agentId) && h.size === 0) {
      levels!.delete(m.level);
      if (levels!.size === 0) {
        q.avail.delete(m.tier);
        q.tiers = q.tiers.filter((t) => t !== m.tier);
      }
    }
  }
}

/** Rebuilds a queue's agent index (after a strategy change: the order itself changed). */
export function reindexQueue(s: AcdState, q: QueueRuntime): void {
  q.avail.clear();
  q.tiers = [];
  for (const id of q.members) {
    const a = s.agents.get(id);
    if (!a || !isAvailable(a) || !a.signedIn.has(q.config.queueId)) continue;
    const m = a.memberships.get(q.config.queueId)!;
    bucket(s, q, m.tier, m.level).push(a);
  }
}

export function recomputeMaxTier(s: AcdState, q: QueueRuntime): void {
  let max = 1;
  for (const id of q.members) {
    const t = s.agents.get(id)?.memberships.get(q.config.queueId)?.tier ?? 1;
    if (t > max) max = t;
  }
  q.maxTierPresent = max;
}

// ---- waiting-call index ----

export function pushWaiting(q: QueueRuntime, c: CallEntry): void {
  let h = q.waiting[c.priority];
  if (!h) {
    h = callHeap();
    q.waiting[c.priority] = h;
  }
  if (!h.has(c.callId)) h.push(c);
}

export function removeWaiting(q: QueueRuntime, c: CallEntry): void {
  q.waiting[c.priority]?.remove(c.callId);
}

// ---- timers ----

export function setTimer(s: AcdState, kind: TimerKind, ref: string, at: number): void {
  const key = `${kind}:${ref}`;
  s.timers.remove(key);
  s.timers.push({ key, at, seq: s.seq++, kind, ref });
}

export function clearTimer(s: AcdState, kind: TimerKind, ref: string): void {
  s.timers.remove(`${kind}:${ref}`);
}

export function clearCallTimers(s: AcdState, callId: string): void {
  for (const k of ['ring', 'gate', 'overflow', 'last-agent'] as const) clearTimer(s, k, callId);
}
