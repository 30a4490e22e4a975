/**
 * The limits of connection-oriented transports in one place (the transport layer calls in at
 * accept, per SIP message and at its housekeeping sweep):
 * - admission: per-address and global caps on the raw socket (ConnectionGate);
 * - a deadline for the first complete SIP message (FirstMessageDeadlines), which also ends
 *   stalled TLS/WebSocket handshakes and byte-by-byte slowloris;
 * - idle flows (no SIP message for idleTimeoutMs) are closed unless a live registration holds
 *   them (registration-hold.ts), so a registered phone's flow survives with CRLF keep-alives
 *   and nothing else for its registration's lifetime.
 */
import type { Socket } from 'node:net';
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/logger.js';
import type { SipMessage } from '../message.js';
import { type AcceptedConn, ConnectionGate } from './conn-gate.js';
import { SipConnectionStats } from './conn-stats.js';
import { FirstMessageDeadlines } from './deadline-queue.js';
import { type Flow, normalizeAddress } from './flow.js';
import { boundSecondsOf, pendingRegisterOf } from './registration-hold.js';
import type { SipTransportKind } from './types.js';

/** Longest a registration may hold a flow open, whatever a registrar answered. */
const MAX_HOLD_MS = 86_400_000;

export interface ConnectionPolicyOptions {
  clock: Clock;
  logger: Logger;
  stats?: SipConnectionStats | undefined;
  maxConnections?: number | undefined;
  maxConnectionsPerAddress?: number | undefined;
  firstMessageTimeoutMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
}

type StreamKind = keyof SipConnectionStats['open'];

export interface ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
  firstMessageTimeoutMs: number;
  idleTimeoutMs: number;
}

/** The limits out of a larger object (the `sip` section of the configuration). */
export function connectionLimitsOf(c: ConnectionLimits): ConnectionLimits {
  const { maxConnections, maxConnectionsPerAddress, firstMessageTimeoutMs, idleTimeoutMs } = c;
  return { maxConnections, maxConnectionsPerAddress, firstMessageTimeoutMs, idleTimeoutMs };
}

export class ConnectionPolicy {
  readonly stats: SipConnectionStats;
  readonly idleMs: number;
  readonly #clock: Clock;
  readonly #gate: ConnectionGate;
  readonly #deadlines: FirstMessageDeadlines;
  /** Admitted raw connections by local port + remote endpoint, to find them from a TLS/WS flow. */
  readonly #accepted = new Map<string, AcceptedConn>();

  constructor(o: ConnectionPolicyOptions) {
    this.#clock = o.clock;
    this.stats = o.stats ?? new SipConnectionStats();
    this.idleMs = o.idleTimeoutMs ?? 600_000;
    this.#gate = new ConnectionGate({
      clock: o.clock,
      logger: o.logger,
      stats: this.stats,
      maxPerAddress: o.maxConnectionsPerAddress ?? 100,
      maxTotal: o.maxConnections ?? 10_000,
      firstMessageTimeoutMs: o.firstMessageTimeoutMs ?? 30_000,
    });
    this.#deadlines = new FirstMessageDeadlines(o.clock, (c) => {
      // slowloris, a stalled TLS/WebSocket handshake, or CRLF pings and nothing else
      this.stats.closed.first_message_timeout++;
      o.logger.debug({ source: c.address, transport: c.kind }, 'sip connection closed: no message in time');
      c.socket?.destroy();
    });
  }

  /**
   * A raw socket was accepted: admit it (and release it when it closes) or destroy it.
   * Returns the admission record, or undefined when a cap refused it.
   */
  admit(sock: Socket, kind: SipTransportKind): AcceptedConn | undefined {
    const conn = this.#gate.admit(sock, kind);
    if (!conn) return undefined;
    const key = acceptedKey(sock.localPort ?? 0, conn.address, sock.remotePort ?? 0);
    this.#accepted.set(key, conn);
    this.#deadlines.add(conn);
    sock.once('close', () => {
      this.#gate.release(conn);
      if (this.#accepted.get(key) === conn) this.#accepted.delete(key);
    });
    return conn;
  }

  /** The admission record of an accepted TLS/WebSocket flow (found by its endpoints). */
  connOf(src: { localPort: number; remoteAddress: string; remotePort: number }): AcceptedConn | undefined {
    return this.#accepted.get(acceptedKey(src.localPort, src.remoteAddress, src.remotePort));
  }

  opened(flow: Flow): void {
    this.stats.open[flow.kind as StreamKind]++;
  }

  forgotten(flow: Flow): void {
    this.stats.open[flow.kind as StreamKind]--;
  }

  /**
   * A SIP message went over a flow (either way): it is traffic for the idle limit, it settles
   * the first-message deadline, and a REGISTER and its 2xx tell how long a registration holds
   * the flow open.
   */
  carried(flow: Flow, m: SipMessage): void {
    const now = this.#clock.monotonic();
    flow.lastActivity = now;
    if (flow.conn) flow.conn.firstMessageBy = undefined;
    if (m.type === 'request') {
      if (m.method === 'REGISTER') flow.pendingRegister = pendingRegisterOf(m);
      return;
    }
    if (!flow.pendingRegister) return;
    const bound = boundSecondsOf(m, flow.pendingRegister);
    if (bound === undefined) return;
    flow.pendingRegister = undefined;
    flow.heldUntil = bound > 0 ? now + Math.min(bound * 1000, MAX_HOLD_MS) : 0;
    if (flow.conn) this.#gate.setExempt(flow.conn, bound > 0);
  }

  /** Housekeeping: true when `flow` is to be closed as idle (counted). */
  isIdle(flow: Flow, now: number): boolean {
    if (now < flow.heldUntil) return false;
    // no (or no more) registration: the flow counts toward its address's cap again
    if (flow.conn?.exempt) this.#gate.setExempt(flow.conn, false);
    if (now - flow.lastActivity < this.idleMs) return false;
    this.stats.closed.idle++;
    return true;
  }

  close(): void {
    this.#deadlines.close();
    this.#accepted.clear();
  }
}

function acceptedKey(localPort: number, remoteAddress: string, remotePort: number): string {
  return `${localPort}|${normalizeAddress(remoteAddress)}|${remotePort}`;
}
