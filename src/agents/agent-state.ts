import type { Machine } from './machine.js';

/**
 * Agent **state**: what the system is doing with the agent (set by the ACD and the call layer,
 * never chosen by the agent).
 *
 * - idle: no call; offered only when the status is ready too.
 * - offered: a queue call is ringing at the agent.
 * - talking: connected to a caller.
 * - held: the caller is on hold.
 * - after-call-work: the call ended; wrap-up until the agent sets ready or the queue's wrap-up
 *   time passes (behaviour 1).
 */
export const AGENT_STATES = ['idle', 'offered', 'talking', 'held', 'after-call-work'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export const AGENT_STATE_MACHINE: Machine<AgentState> = {
  name: 'agent.state',
  states: AGENT_STATES,
  next: {
    idle: ['offered'],
    // offered → idle: missed, rejected, caller abandoned, answered elsewhere (ring-all)
    offered: ['talking', 'idle'],
    talking: ['held', 'after-call-work'],
    held: ['talking', 'after-call-work'],
    'after-call-work': ['idle'],
  },
};
