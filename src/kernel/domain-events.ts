import { TypedEmitter } from './events.js';

/**
 * The one catalogue of domain events. The WebSocket stream, webhooks and reports will all read
 * from this bus; each module adds its events here as it grows (call.ringing, agent.state, …).
 * Every event carries its tenant so subscribers can never mix tenants up.
 */
export type DomainEvents = {
  /** A configuration object changed (mirrors the audit log entry). */
  'config.changed': [
    e: {
      tenantId: string;
      resourceType: string;
      resourceId: string;
      action: 'create' | 'update' | 'delete';
      actorId: string | null;
      at: number;
    },
  ];
  /** A person logged in. */
  'auth.login': [e: { tenantId: string; userId: string; ip: string | null; at: number }];
  /** An account was locked after repeated failures. */
  'auth.locked': [e: { tenantId: string; userId: string; until: number; at: number }];
  /**
   * A phone's call to an outside number was refused by its class of service (or its account is
   * unknown) before any trunk leg was created (src/numbers/outbound-policy.ts).
   */
  'security.call_blocked': [
    e: {
      tenantId: string;
      /** The digest-authenticated SIP username; null when none. */
      account: string | null;
      /** The dialled number (E.164, or an emergency short code). */
      number: string;
      destination: 'emergency' | 'national' | 'international';
      reason: 'class-of-service' | 'denied-prefix' | 'no-account';
      sourceIp: string;
      at: number;
    },
  ];
  /** A per-account or per-tenant limit on concurrent or per-minute outbound trunk calls tripped. */
  'security.limit_exceeded': [
    e: {
      tenantId: string;
      account: string | null;
      number: string;
      reason: 'account-concurrent' | 'account-rate' | 'tenant-concurrent' | 'tenant-rate';
      /** The limit that was reached. */
      max: number;
      sourceIp: string;
      at: number;
    },
  ];
  /** An agent's status changed (what the agent or a supervisor chose; src/agents). */
  'agent.status': [
    e: {
      tenantId: string;
      agentId: string;
      from: 'logged-out' | 'logged-in' | 'signed-in' | 'ready' | 'not-ready';
      to: 'logged-out' | 'logged-in' | 'signed-in' | 'ready' | 'not-ready';
      /** Not-ready reason code (break, meal, training, missed, a tenant code); null otherwise. */
      reason: string | null;
      at: number;
    },
  ];
  /** An agent's state changed (what the system does with the agent; src/agents). */
  'agent.state': [
    e: {
      tenantId: string;
      agentId: string;
      from: 'idle' | 'offered' | 'talking' | 'held' | 'after-call-work';
      to: 'idle' | 'offered' | 'talking' | 'held' | 'after-call-work';
      callId: string | null;
      queueId: string | null;
      /** Why: offer, answer, missed, rejected, abandoned, answered-elsewhere, hold, resume, end, ready, wrap-up-timeout, signed-out. */
      reason: string;
      at: number;
    },
  ];
  /** A call entered a queue (src/acd). `overflowFrom` names the queue it overflowed from. */
  'queue.entered': [
    e: {
      tenantId: string;
      queueId: string;
      callId: string;
      priority: number;
      overflowFrom: string | null;
      at: number;
    },
  ];
  /** A queue call was offered (rung) to one agent, or to several for ring-all. */
  'queue.offered': [
    e: {
      tenantId: string;
      queueId: string;
      callId: string;
      agentIds: string[];
      /** 1 for the first offer of this call in this queue, then 2, 3, … */
      attempt: number;
      /** Why the agent(s) were chosen: the strategy name or 'last-agent'. */
      why: string;
      waitedMs: number;
      at: number;
    },
  ];
  'queue.answered': [
    e: { tenantId: string; queueId: string; callId: string; agentId: string; waitedMs: number; at: number },
  ];
  /** The caller hung up while waiting or ringing. */
  'queue.abandoned': [
    e: {
      tenantId: string;
      queueId: string;
      callId: string;
      waitedMs: number;
      wasOffered: boolean;
      at: number;
    },
  ];
  /** The call left the queue by an overflow rule. */
  'queue.overflowed': [
    e: {
      tenantId: string;
      queueId: string;
      callId: string;
      reason: 'wait-time' | 'queue-length';
      target:
        | { kind: 'queue'; queueId: string }
        | { kind: 'voicemail'; mailbox: string | null }
        | { kind: 'callback' };
      waitedMs: number;
      at: number;
    },
  ];
  /** A waiting call's minimum skill level was lowered by timed widening. */
  'queue.widened': [
    e: { tenantId: string; queueId: string; callId: string; minLevel: number; waitedMs: number; at: number },
  ];
  /** A call held for the caller's last agent went to the other agents (behaviour 6). */
  'queue.last_agent_fallback': [
    e: {
      tenantId: string;
      queueId: string;
      callId: string;
      agentId: string;
      reason: 'wait-limit' | 'not-signed-in' | 'not-member' | 'unavailable' | 'unknown-agent';
      at: number;
    },
  ];
  /** An offer rang out or was rejected. */
  'offer.missed': [
    e: {
      tenantId: string;
      queueId: string;
      callId: string;
      agentId: string;
      reason: 'timeout' | 'rejected';
      missedInRow: number;
      at: number;
    },
  ];
  /** A recording's index row was written and its file is being captured. */
  'recording.started': [
    e: { tenantId: string; recordingId: string; callId: string; legId: string; at: number },
  ];
  /** A recording is complete: its file is stored and its size, duration and checksum indexed. */
  'recording.ready': [
    e: {
      tenantId: string;
      recordingId: string;
      callId: string;
      durationMs: number;
      bytes: number;
      sha256: string;
      at: number;
    },
  ];
  /** A recording could not be completed (the media plane or the store failed). */
  'recording.failed': [
    e: { tenantId: string; recordingId: string; callId: string; reason: string; at: number },
  ];
  /** The retention purge deleted expired recordings of a tenant. */
  'recording.purged': [e: { tenantId: string; count: number; bytes: number; at: number }];
};

export type EventBus = TypedEmitter<DomainEvents>;

/** A bus whose listener errors are reported to `onError` and never reach the publisher. */
export function createEventBus(
  onError: (err: unknown, event: keyof DomainEvents) => void = () => {},
): EventBus {
  return new TypedEmitter<DomainEvents>(onError);
}
