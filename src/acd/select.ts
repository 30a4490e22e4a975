import type { AgentRecord } from '../agents/agent.js';
import type { AcdState, CallEntry, QueueRuntime } from './acd-types.js';
import { MAX_PRIORITY } from './acd-types.js';
import type { IndexedHeap } from './indexed-heap.js';
import { maxTierAt, minLevelAt } from './queue-config.js';
import { agentOrder } from './strategies.js';

/**
 * Choosing. Call-driven (a call arrives or a gate opens): the best available agents for the call,
 * highest tier first, within the levels widening allows, in strategy order. Agent-driven (an
 * agent becomes available): the best waiting call among the heads of the agent's queues; the
 * eligibility gates (tier delay, widening) only loosen with waiting, so if a priority's oldest
 * call cannot take the agent yet, no younger call of that priority can either.
 */

function bestInHeap(
  h: IndexedHeap<AgentRecord>,
  order: (a: AgentRecord, b: AgentRecord) => boolean,
  excluded: Set<string> | null,
): AgentRecord | undefined {
  const top = h.peek();
  if (!top || !excluded || excluded.size === 0 || !excluded.has(top.agentId)) return top;
  // rare path: the top missed this very call; the next best by a scan of this bucket
  let best: AgentRecord | undefined;
  for (const a of h.values()) {
    if (excluded.has(a.agentId)) continue;
    if (!best || order(a, best)) best = a;
  }
  return best;
}

function eligibleHeaps(q: QueueRuntime, tier: number, minLevel: number): IndexedHeap<AgentRecord>[] {
  const out: IndexedHeap<AgentRecord>[] = [];
  const levels = q.avail.get(tier);
  if (!levels) return out;
  for (const [level, h] of levels) if (level >= minLevel && h.size > 0) out.push(h);
  return out;
}

function pick(
  s: AcdState,
  q: QueueRuntime,
  call: CallEntry,
  at: number,
  excluded: Set<string> | null,
): AgentRecord[] {
  const cfg = q.config;
  const waited = at - call.enteredAt;
  const minLevel = minLevelAt(cfg, waited);
  const maxTier = maxTierAt(cfg, waited);
  const order = agentOrder(cfg.strategy, cfg.queueId);
  for (const tier of q.tiers) {
    if (tier > maxTier) break;
    const heaps = eligibleHeaps(q, tier, minLevel);
    if (heaps.length === 0) continue;
    if (cfg.strategy === 'ring-all') {
      const all: AgentRecord[] = [];
      for (const h of heaps) for (const a of h.values()) if (!excluded?.has(a.agentId)) all.push(a);
      if (all.length > 0) return all;
      continue;
    }
    if (cfg.strategy === 'random') {
      const pool: AgentRecord[] = [];
      let total = 0;
      for (const h of heaps) total += h.size;
      let i = Math.floor(s.rng() * total);
      for (const h of heaps) {
        if (i < h.size) {
          const a = h.at(i)!;
          if (!excluded?.has(a.agentId)) return [a];
          break;
        }
        i -= h.size;
      }
      // rare path: the pick missed this call already; draw among the rest
      for (const h of heaps) for (const a of h.values()) if (!excluded?.has(a.agentId)) pool.push(a);
      if (pool.length > 0) return [pool[Math.floor(s.rng() * pool.length)]!];
      continue;
    }
    let best: AgentRecord | undefined;
    for (const h of heaps) {
      const b = bestInHeap(h, order, excluded);
      if (b && (!best || order(b, best))) best = b;
    }
    if (best) return [best];
  }
  return [];
}

/** Agents to offer the call to now (several for ring-all), or none. */
export function selectAgents(s: AcdState, q: QueueRuntime, call: CallEntry, at: number): AgentRecord[] {
  // prefer agents who have not already let this call ring out; fall back to them
  const first = pick(s, q, call, at, call.missedBy);
  if (first.length > 0 || call.missedBy.size === 0) return first;
  return pick(s, q, call, at, null);
}

/** True when a call that has waited this long may ring this member (tier and level gates). */
export function gatesAllow(q: QueueRuntime, call: CallEntry, a: AgentRecord, at: number): boolean {
  const m = a.memberships.get(q.config.queueId);
  if (!m) return false;
  const waited = at - call.enteredAt;
  return m.tier <= maxTierAt(q.config, waited) && m.level >= minLevelAt(q.config, waited);
}

function better(a: CallEntry, b: CallEntry): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.enteredAt !== b.enteredAt) return a.enteredAt < b.enteredAt;
  return a.seq < b.seq;
}

/** The call an agent who just became available should get, or none. */
export function selectCall(s: AcdState, a: AgentRecord, at: number): CallEntry | undefined {
  const held = s.reserved.get(a.agentId);
  if (held && held.size > 0) {
    let best: CallEntry | undefined;
    for (const id of held) {
      const c = s.calls.get(id);
      if (c && (!best || better(c, best))) best = c;
    }
    if (best) return best;
  }
  let best: CallEntry | undefined;
  for (const qid of a.signedIn) {
    const q = s.queues.get(qid);
    if (!q || q.inQueue === 0) continue;
    for (let p = MAX_PRIORITY; p >= 0; p--) {
      if (best && best.priority > p) break;
      const head = q.waiting[p]?.peek();
      if (!head) continue;
      if (gatesAllow(q, head, a, at)) {
        if (!best || better(head, best)) best = head;
        break;
      }
    }
  }
  return best;
}
