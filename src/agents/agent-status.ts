import type { Machine } from './machine.js';

/**
 * Agent **status**: what the agent (or a supervisor on their behalf) chose. Kept apart from the
 * agent **state** (agent-state.ts), which the system sets while it routes and connects calls.
 *
 * - logged-out: not authenticated.
 * - logged-in: authenticated (the tenants module's login) but not signed in to any skill group;
 *   no call is ever offered (behaviour 2).
 * - signed-in: joined their skill groups (签入), not yet available.
 * - ready: available for offers.
 * - not-ready: signed in but unavailable, with a tenant reason code (break, meal, training,
 *   missed, …).
 */
export const AGENT_STATUSES = ['logged-out', 'logged-in', 'signed-in', 'ready', 'not-ready'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Signing out returns to logged-in (behaviour 2: signing out keeps the agent logged in). */
export const AGENT_STATUS_MACHINE: Machine<AgentStatus> = {
  name: 'agent.status',
  states: AGENT_STATUSES,
  next: {
    'logged-out': ['logged-in'],
    'logged-in': ['signed-in', 'logged-out'],
    'signed-in': ['ready', 'not-ready', 'logged-in'],
    ready: ['not-ready', 'logged-in'],
    // not-ready → not-ready: a change of reason (break → meal)
    'not-ready': ['ready', 'not-ready', 'logged-in'],
  },
};

/** Statuses in which the agent is signed in to their skill groups. */
export function isSignedIn(s: AgentStatus): boolean {
  return s === 'signed-in' || s === 'ready' || s === 'not-ready';
}

/** Reason code the ACD sets after too many missed offers in a row. */
export const MISSED_REASON = 'missed';

/** Reason codes every tenant has; tenants add their own (storage: agent_reason_codes). */
export const BUILTIN_REASON_CODES = ['break', 'meal', 'training', MISSED_REASON] as const;

/** A reason code: lower-case letters, digits, '-' and '_', 1–32 characters. */
export function isReasonCode(code: string): boolean {
  return /^[a-z0-9][a-z0-9_-]{0,31}$/.test(code);
}
