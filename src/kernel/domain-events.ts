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
};

export type EventBus = TypedEmitter<DomainEvents>;

/** A bus whose listener errors are reported to `onError` and never reach the publisher. */
export function createEventBus(
  onError: (err: unknown, event: keyof DomainEvents) => void = () => {},
): EventBus {
  return new TypedEmitter<DomainEvents>(onError);
}
