import { SwbError } from '../kernel/errors.js';
import type { AgentState } from './agent-state.js';
import type { AgentStatus } from './agent-status.js';

/**
 * How an agent takes calls once signed in (behaviour 5). A web agent answers in the browser
 * softphone (SIP over WSS); a phone agent is called on their own number. Here this is data: the
 * ACD puts it on every offer and the call layer places the actual leg.
 */
export type SignInMode = { kind: 'web' } | { kind: 'phone'; phoneNumber: string };

/** An agent's membership of one queue (skill group): per-queue skill level, priority tier, order. */
export interface QueueMembership {
  queueId: string;
  /** Skill level in this queue, 1 (lowest) … 10 (best). */
  level: number;
  /** Priority tier (behaviour 9), 1 = rings first; higher numbers ring after the queue's tier delay. */
  tier: number;
  /** Order for the top-down strategy and round-robin's first turn (lower first). */
  position: number;
}

/** Tenant-chosen agent id (behaviour 13): 1–32 of letters, digits, '.', '_', '-'; unique per tenant. */
export function isAgentId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(id);
}

export const MIN_LEVEL = 1;
export const MAX_LEVEL = 10;
export const MIN_TIER = 1;
export const MAX_TIER = 10;

export function validateMembership(m: QueueMembership): void {
  const bad = (field: string, reason: string) => new SwbError('SWB_VALIDATION', { field, reason });
  if (!Number.isInteger(m.level) || m.level < MIN_LEVEL || m.level > MAX_LEVEL)
    throw bad('level', `an integer ${MIN_LEVEL}–${MAX_LEVEL}`);
  if (!Number.isInteger(m.tier) || m.tier < MIN_TIER || m.tier > MAX_TIER)
    throw bad('tier', `an integer ${MIN_TIER}–${MAX_TIER}`);
  if (!Number.isInteger(m.position) || m.position < 0 || m.position > 1_000_000)
    throw bad('position', 'an integer 0–1000000');
}

export function validateSignInMode(mode: SignInMode): void {
  if (mode.kind === 'web') return;
  if (mode.kind !== 'phone' || !/^\+[1-9][0-9]{6,14}$/.test(mode.phoneNumber)) {
    throw new SwbError('SWB_VALIDATION', {
      field: 'mode.phoneNumber',
      reason: 'a phone agent needs an E.164 number (+8613800138000)',
    });
  }
}

/**
 * The live record of one agent: status and state side by side plus the facts strategies rank
 * by. Owned by the ACD state (src/acd); mutated only through the transition helpers.
 */
export interface AgentRecord {
  readonly agentId: string;
  /** The user (tenants module) this agent profile belongs to, if any. */
  userId: string | null;
  status: AgentStatus;
  /** Not-ready reason code; null unless status is not-ready. */
  reason: string | null;
  state: AgentState;
  /** The call the state refers to (offered/talking/held/after-call-work), else null. */
  callId: string | null;
  /** The queue of that call. */
  callQueueId: string | null;
  mode: SignInMode | null;
  memberships: Map<string, QueueMembership>;
  /** Queues the agent is signed in to (a subset of memberships). */
  signedIn: Set<string>;
  /** When the agent last became available (longest-idle ranks by this). */
  idleSince: number;
  /** Calls answered since the record was created (fewest-calls). */
  calls: number;
  /** Total talk time in ms (least-talk-time). */
  talkMs: number;
  talkStartedAt: number | null;
  /** Offers missed in a row; reset by an answer. */
  missedInRow: number;
  /** When a timed wrap-up ends (null: until the agent sets ready). */
  wrapUpEndsAt: number | null;
  /** Per-queue count of offers made (round-robin memory). */
  rrTurn: Map<string, number>;
}

export function newAgentRecord(agentId: string, userId: string | null, at: number): AgentRecord {
  if (!isAgentId(agentId)) throw new SwbError('SWB_INVALID_ID', { id: agentId });
  return {
    agentId,
    userId,
    status: 'logged-out',
    reason: null,
    state: 'idle',
    callId: null,
    callQueueId: null,
    mode: null,
    memberships: new Map(),
    signedIn: new Set(),
    idleSince: at,
    calls: 0,
    talkMs: 0,
    talkStartedAt: null,
    missedInRow: 0,
    wrapUpEndsAt: null,
    rrTurn: new Map(),
  };
}

/** Ready, idle and signed in: the only agents an offer may reach. */
export function isAvailable(a: AgentRecord): boolean {
  return a.status === 'ready' && a.state === 'idle';
}
