/** Public types of the SIP transport layer (RFC 3261 section 18, RFC 3581, RFC 7118). */
import type { Clock } from '../../kernel/clock.js';
import type { TypedEmitter } from '../../kernel/events.js';
import type { Logger } from '../../kernel/logger.js';
import type { SipMessage, SipResponse } from '../message.js';
import type { ValidateOptions } from '../validate.js';
import type { SipConnectionStats } from './conn-stats.js';

export type SipTransportKind = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

export interface SipSource {
  transport: SipTransportKind;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  /** Set for connection-oriented transports: the flow the message came in on. */
  connectionId?: string;
}

export interface SipTarget {
  transport: SipTransportKind;
  host: string;
  port: number;
  connectionId?: string;
}

export interface MalformedInfo {
  source: SipSource;
  reason: string;
  /** Response status sent back (400, 505, 513, ...), or undefined when the message was dropped. */
  status: number | undefined;
  size: number;
}

export type SipTransportEvents = {
  message: [msg: SipMessage, src: SipSource];
  malformed: [info: MalformedInfo];
};

export interface SipTransportLayer extends TypedEmitter<SipTransportEvents> {
  /** Reuses an existing connection when connectionId (or host:port of an open flow) matches. */
  send(msg: SipMessage, target: SipTarget): Promise<void>;
  /** Send a response where RFC 3261 18.2.2 / RFC 3581 say (top Via; symmetric for stamped rport). */
  sendResponse(res: SipResponse, src?: SipSource): Promise<void>;
  /** Bound local addresses per transport. */
  listening(): SipSource[];
  /** Open stream/WebSocket flows (for tests and metrics). */
  connectionCount(): number;
  close(): Promise<void>;
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface TlsEndpoint extends Endpoint {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface TransportLayerOptions {
  udp?: Endpoint | Endpoint[];
  tcp?: Endpoint | Endpoint[];
  tls?: TlsEndpoint | TlsEndpoint[];
  ws?: Endpoint | Endpoint[];
  wss?: TlsEndpoint | TlsEndpoint[];
  clock: Clock;
  logger: Logger;
  /** SO_RCVBUF for UDP sockets (bytes; the kernel may cap it). Default 4 MiB. */
  udpRecvBufferSize?: number;
  /** Largest message accepted or sent (bytes). Default 65,535. */
  maxMessageSize?: number;
  /** Validate requests before emitting them (default true); false leaves it to the caller. */
  validate?: boolean | ValidateOptions;
  /** Malformed messages answered per source address per window before going silent. Default 20 / 10 s. */
  malformedBurst?: number;
  malformedWindowMs?: number;
  /**
   * Accepted TCP/TLS/WS/WSS connections across all listeners (beyond it new ones are closed at
   * once). Default 10,000.
   */
  maxConnections?: number;
  /**
   * Accepted connections per source address (IPv4 address or IPv6 /64), all stream/WebSocket
   * transports together; connections holding a live registration do not count. Default 100.
   */
  maxConnectionsPerAddress?: number;
  /** An accepted connection must deliver its first complete SIP message within this. Default 30 s. */
  firstMessageTimeoutMs?: number;
  /**
   * Flows without a SIP message this long are closed, unless a live registration holds them.
   * CRLF keep-alives are answered but do not count as traffic. Default 10 minutes.
   */
  idleTimeoutMs?: number;
  /** Counters to update (the composition root exports them as metrics); default a private instance. */
  connectionStats?: SipConnectionStats;
  /** TLS client options for outbound TLS (e.g. ca, rejectUnauthorized in tests). */
  tlsClient?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
}
