/**
 * Counters of the connection-oriented transports (TCP, TLS, WS, WSS): what is open, what was
 * refused at accept and what was closed by a limit. Plain numbers, so the transport layer
 * increments them in O(1) and the composition root exports them (Prometheus) without the SIP
 * layer knowing about metrics. One instance may be shared by the layer and its reader.
 */
import type { SipTransportKind } from './types.js';

export type ConnectionRefusal = 'per_address' | 'global';
export type ConnectionLimitClose = 'first_message_timeout' | 'idle' | 'buffer_limit';

export class SipConnectionStats {
  /** Accepted connections open now (including those still in a TLS or WebSocket handshake). */
  accepted = 0;
  /** Open flows by transport (accepted and dialled). */
  readonly open: Record<Exclude<SipTransportKind, 'udp'>, number> = { tcp: 0, tls: 0, ws: 0, wss: 0 };
  /** Connections closed at accept because a cap was reached, since start. */
  readonly refused: Record<ConnectionRefusal, number> = { per_address: 0, global: 0 };
  /** Connections closed by a limit after they were accepted, since start. */
  readonly closed: Record<ConnectionLimitClose, number> = {
    first_message_timeout: 0,
    idle: 0,
    buffer_limit: 0,
  };
}
