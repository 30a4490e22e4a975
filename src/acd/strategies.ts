import type { AgentRecord } from '../agents/agent.js';
import type { Strategy } from './queue-config.js';

/**
 * Each strategy is an ordering of a queue's available agents: `before(a, b)` says a rings
 * first. The heaps of agent-index.ts keep agents in this order, so choosing is a peek. Every
 * key a comparator reads is frozen while the agent is available (it changes only when the
 * agent is offered or talking, i.e. out of the index). Ties fall back to the agent id, so the
 * order is total and decisions replay exactly.
 */
export type AgentOrder = (a: AgentRecord, b: AgentRecord) => boolean;

function byId(a: AgentRecord, b: AgentRecord): boolean {
  return a.agentId < b.agentId;
}

function position(a: AgentRecord, queueId: string): number {
  return a.memberships.get(queueId)?.position ?? Number.MAX_SAFE_INTEGER;
}

export function agentOrder(strategy: Strategy, queueId: string): AgentOrder {
  switch (strategy) {
    case 'longest-idle':
      return (a, b) => (a.idleSince !== b.idleSince ? a.idleSince < b.idleSince : byId(a, b));
    case 'fewest-calls':
      return (a, b) =>
        a.calls !== b.calls
          ? a.calls < b.calls
          : a.idleSince !== b.idleSince
            ? a.idleSince < b.idleSince
            : byId(a, b);
    case 'least-talk-time':
      return (a, b) =>
        a.talkMs !== b.talkMs
          ? a.talkMs < b.talkMs
          : a.idleSince !== b.idleSince
            ? a.idleSince < b.idleSince
            : byId(a, b);
    case 'top-down':
      return (a, b) => {
        const pa = position(a, queueId);
        const pb = position(b, queueId);
        return pa !== pb ? pa < pb : byId(a, b);
      };
    case 'round-robin':
      // memory: the agent whose last turn in this queue is oldest goes next; never offered
      // agents (turn 0) go first, in position order — a rotation that survives agents leaving
      return (a, b) => {
        const ta = a.rrTurn.get(queueId) ?? 0;
        const tb = b.rrTurn.get(queueId) ?? 0;
        if (ta !== tb) return ta < tb;
        const pa = position(a, queueId);
        const pb = position(b, queueId);
        return pa !== pb ? pa < pb : byId(a, b);
      };
    case 'ring-all':
    case 'random':
      // order is irrelevant (all ring, or a seeded pick by index); id keeps it deterministic
      return byId;
  }
}

/** The number an explanation shows for the strategy (idle ms, calls, talk ms, position, turn). */
export function strategyMetric(
  strategy: Strategy,
  queueId: string,
  a: AgentRecord,
  at: number,
): number | null {
  switch (strategy) {
    case 'longest-idle':
      return at - a.idleSince;
    case 'fewest-calls':
      return a.calls;
    case 'least-talk-time':
      return a.talkMs;
    case 'top-down':
      return position(a, queueId);
    case 'round-robin':
      return a.rrTurn.get(queueId) ?? 0;
    default:
      return null;
  }
}

export const METRIC_NAMES: Record<Strategy, string> = {
  'longest-idle': 'idle ms',
  'fewest-calls': 'calls',
  'least-talk-time': 'talk ms',
  'top-down': 'position',
  'round-robin': 'last turn',
  'ring-all': '',
  random: '',
};
