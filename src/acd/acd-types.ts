import type { AgentRecord, QueueMembership, SignInMode } from '../agents/agent.js';
import type { DomainEvents } from '../kernel/domain-events.js';
import type { IndexedHeap } from './indexed-heap.js';
import type { OverflowTarget, QueueConfig, Strategy } from './queue-config.js';
import type { Rng } from './rng.js';

/** Customer priority (VIP): 0 (normal) … 9 (highest); higher is served first. */
export const MIN_PRIORITY = 0;
export const MAX_PRIORITY = 9;

/** Overflow hops one call may take between queues (a loop A → B → A stops here). */
export const MAX_OVERFLOW_HOPS = 8;

/**
 * Inputs of the routing core. Every event carries `at` (the injected clock's wall time, read by
 * the caller): the core itself never reads a clock.
 */
export type AcdEvent =
  | { type: 'queue.configure'; at: number; config: QueueConfig }
  | {
      type: 'agent.configure';
      at: number;
      agentId: string;
      userId?: string | null;
      memberships: QueueMembership[];
    }
  | { type: 'agent.login'; at: number; agentId: string }
  | { type: 'agent.logout'; at: number; agentId: string }
  | {
      type: 'agent.sign-in';
      at: number;
      agentId: string;
      mode: SignInMode;
      queueIds?: string[];
      ready?: boolean;
    }
  | { type: 'agent.sign-out'; at: number; agentId: string }
  | { type: 'agent.ready'; at: number; agentId: string }
  | { type: 'agent.not-ready'; at: number; agentId: string; reason: string }
  | {
      type: 'call.enter';
      at: number;
      callId: string;
      queueId: string;
      priority?: number;
      /** The agent who served this caller last (looked up by the caller of the ACD). */
      lastAgentId?: string | null;
    }
  | { type: 'offer.answer'; at: number; callId: string; agentId: string }
  | { type: 'offer.reject'; at: number; callId: string; agentId: string }
  | { type: 'call.hold'; at: number; callId: string }
  | { type: 'call.resume'; at: number; callId: string }
  /** A connected queue call ended (either side hung up). */
  | { type: 'call.end'; at: number; callId: string }
  /** The caller hung up while waiting or while the offer rang. */
  | { type: 'call.abandon'; at: number; callId: string }
  | { type: 'tick'; at: number };

/** Why an agent was chosen. */
export type ChosenWhy = Strategy | 'last-agent';

/** Why a member of the queue was not chosen. */
export type NotChosenWhy =
  | 'not-signed-in'
  | 'not-ready'
  | 'busy'
  | 'level'
  | 'tier'
  | 'outranked'
  | 'missed-this-call'
  | 'last-agent';

/** The explanation every offer carries: why these agents, why not each other member. */
export interface Explanation {
  callId: string;
  queueId: string;
  at: number;
  strategy: Strategy;
  waitedMs: number;
  priority: number;
  /** Minimum level after widening. */
  minLevel: number;
  /** Highest tier that may ring now (null: every tier). */
  maxTier: number | null;
  chosen: { agentId: string; why: ChosenWhy; tier: number; level: number; metric: number | null }[];
  others: { agentId: string; why: NotChosenWhy; detail: string }[];
}

export type AcdEmit = { [K in keyof DomainEvents]: { kind: 'emit'; name: K; event: DomainEvents[K][0] } }[
  | 'agent.status'
  | 'agent.state'
  | 'queue.entered'
  | 'queue.offered'
  | 'queue.answered'
  | 'queue.abandoned'
  | 'queue.overflowed'
  | 'queue.widened'
  | 'queue.last_agent_fallback'
  | 'offer.missed'];

/** What the call layer must do, plus the domain events to publish. */
export type AcdDecision =
  | {
      kind: 'offer';
      callId: string;
      queueId: string;
      agents: { agentId: string; mode: SignInMode | null }[];
      ringTimeoutMs: number;
      explain: Explanation;
    }
  /** Stop ringing this agent (answered elsewhere, abandoned, signed out, or a late answer). */
  | {
      kind: 'cancel-offer';
      callId: string;
      agentId: string;
      reason: 'answered-elsewhere' | 'abandoned' | 'signed-out' | 'timeout' | 'not-offered';
    }
  /** Connect the caller to the agent who answered. */
  | { kind: 'connect'; callId: string; queueId: string; agentId: string }
  /** The call leaves this queue; for a queue target the core has already entered it there. */
  | {
      kind: 'overflow';
      callId: string;
      fromQueueId: string;
      target: OverflowTarget;
      reason: 'wait-time' | 'queue-length';
    }
  | AcdEmit;

export interface DecideResult {
  state: AcdState;
  decisions: AcdDecision[];
  /** Wall time at which the core wants a `tick` (null: nothing pending). */
  wakeAt: number | null;
}

export type CallStatus = 'waiting' | 'reserved' | 'offered';

export interface CallEntry {
  readonly callId: string;
  queueId: string;
  priority: number;
  /** When the call entered this queue. */
  enteredAt: number;
  /** Arrival order across the state (FIFO within priority). */
  seq: number;
  status: CallStatus;
  offeredTo: Set<string>;
  attempts: number;
  missedBy: Set<string>;
  lastAgentId: string | null;
  /** Agent the call is held for (status reserved). */
  reservedFor: string | null;
  /** The minimum level reached by widening (for the widened event). */
  minLevel: number;
  /** Overflow by wait time fell due while the call was ringing: overflow when the ring ends. */
  overflowDue: boolean;
  hops: number;
}

export type TimerKind = 'ring' | 'gate' | 'overflow' | 'last-agent' | 'wrap-up';

export interface Timer {
  key: string;
  at: number;
  seq: number;
  kind: TimerKind;
  /** callId, or agentId for wrap-up. */
  ref: string;
}

/** Per-queue runtime: configuration, members, and the two indexes routing reads. */
export interface QueueRuntime {
  config: QueueConfig;
  members: Set<string>;
  /** Highest tier number among members. */
  maxTierPresent: number;
  /** Available (ready + idle + signed in here) agents: tier → level → heap ordered by strategy. */
  avail: Map<number, Map<number, IndexedHeap<AgentRecord>>>;
  /** Tiers present in `avail`, ascending. */
  tiers: number[];
  /** Waiting calls per priority (index = priority), each a heap by arrival. */
  waiting: (IndexedHeap<CallEntry> | undefined)[];
  /** Calls in this queue (waiting, reserved or ringing). */
  inQueue: number;
  /** Round-robin memory: the turn counter. */
  turn: number;
}

export interface AcdState {
  readonly tenantId: string;
  readonly rng: Rng;
  queues: Map<string, QueueRuntime>;
  agents: Map<string, AgentRecord>;
  calls: Map<string, CallEntry>;
  /** Connected calls: callId → agentId. */
  connected: Map<string, string>;
  /** Calls held for an agent (last-agent routing). */
  reserved: Map<string, Set<string>>;
  timers: IndexedHeap<Timer>;
  seq: number;
}
