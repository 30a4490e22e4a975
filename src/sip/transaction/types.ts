import type { Clock, TimerHandle } from '../../kernel/clock.js';
import type { SipMessage, SipRequest, SipResponse } from '../message.js';

export type TransportKind = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** Where a message goes (structurally the transport layer's SipTarget). */
export interface TxTarget {
  transport: TransportKind;
  host: string;
  port: number;
  connectionId?: string;
}

/** Where a message came from (structurally the transport layer's SipSource). */
export interface TxSource {
  transport: TransportKind;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  connectionId?: string;
}

export type SendFn = (msg: SipMessage, target: TxTarget) => Promise<void>;

/** RFC 3261 timer base values (ms). */
export interface TimerValues {
  T1: number;
  T2: number;
  T4: number;
}

export const DEFAULT_TIMERS: Readonly<TimerValues> = Object.freeze({ T1: 500, T2: 4000, T4: 5000 });

export interface TxContext {
  clock: Clock;
  send: SendFn;
  timers: TimerValues;
  /** Called once the transaction reaches Terminated (the layer forgets it). */
  onTerminated: (key: string) => void;
  /** Transport failures are reported here (RFC 3261 17.1.4 / 17.2.4). */
  onSendError?: (err: unknown) => void;
}

export function isReliable(t: TransportKind): boolean {
  return t !== 'udp';
}

export interface ClientTxUser {
  onResponse(res: SipResponse): void;
  /** Timer B/F fired (or transport error): the TU should act as if a 408 arrived. */
  onTimeout(reason: 'timeout' | 'transport-error'): void;
}

export interface ServerTxUser {
  /** Timer H fired (no ACK for a non-2xx final) or no ACK for 2xx within Timer L (RFC 6026). */
  onAckTimeout?(): void;
  /** ACK for a 2xx response arrived (passed up by the stack, RFC 6026 Accepted state). */
  onAck?(ack: SipRequest): void;
  onTransportError?(err: unknown): void;
}

export type { TimerHandle };
