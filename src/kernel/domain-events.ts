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
