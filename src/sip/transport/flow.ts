/**
 * A connection-oriented flow (TCP, TLS, WS, WSS): one remote peer, frames in, bytes out.
 * The transport layer keeps flows by id and by remote address for reuse (RFC 3261 18.
 * "connection reuse"; RFC 5626 flows).
 */
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import { SwbError } from '../../kernel/errors.js';
import type { AcceptedConn } from './conn-gate.js';
import type { PendingRegister } from './registration-hold.js';
import type { SipSource, SipTransportKind } from './types.js';

let nextFlow = 1;

/** Minimal view of a `ws` WebSocket that flows need. */
export interface WsLike {
  readyState: number;
  send(data: string | Buffer, opts: { binary: boolean }, cb: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

export class Flow {
  readonly id: string;
  readonly kind: SipTransportKind;
  readonly source: SipSource;
  /** Monotonic time of the last SIP message in either direction (CRLF keep-alives do not count). */
  lastActivity: number;
  /** A registration carried by this flow keeps it open until then (monotonic ms). */
  heldUntil = 0;
  /** The last REGISTER that went over this flow, until its 2xx says how long it is bound. */
  pendingRegister: PendingRegister | undefined;
  /** The admission record when the flow was accepted (undefined for flows we dialled). */
  conn: AcceptedConn | undefined;
  closed = false;
  /** Other lookup keys for this flow (e.g. the host name it was dialled by). */
  readonly aliases: string[] = [];
  readonly #socket: Socket | undefined;
  readonly #ws: WsLike | undefined;

  constructor(
    kind: SipTransportKind,
    addr: { remoteAddress: string; remotePort: number; localAddress: string; localPort: number },
    now: number,
    io: { socket?: Socket; ws?: WsLike },
  ) {
    this.id = `${kind}-${nextFlow++}`;
    this.kind = kind;
    this.source = { transport: kind, ...addr, connectionId: this.id };
    this.lastActivity = now;
    this.#socket = io.socket;
    this.#ws = io.ws;
  }

  get key(): string {
    return flowKey(this.kind, this.source.remoteAddress, this.source.remotePort);
  }

  write(data: Buffer | string): Promise<void> {
    if (this.closed) {
      return Promise.reject(new SwbError('SWB_SIP_NO_ROUTE', { transport: this.kind, target: this.key }));
    }
    return new Promise((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(err) : resolve());
      if (this.#ws) {
        // RFC 7118: one SIP message per frame; text frames for UTF-8 messages, binary otherwise
        const text = typeof data === 'string' ? data : isUtf8(data) ? data.toString('utf8') : undefined;
        if (text !== undefined) this.#ws.send(text, { binary: false }, done);
        else this.#ws.send(data as Buffer, { binary: true }, done);
      } else {
        this.#socket!.write(data, done);
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.#ws) this.#ws.terminate();
    else this.#socket?.destroy();
  }
}

/** Normalized lookup key: transport, address without brackets or IPv4-mapped prefix, port. */
export function flowKey(kind: SipTransportKind, address: string, port: number): string {
  return `${kind}|${normalizeAddress(address)}|${port}`;
}

export function normalizeAddress(a: string): string {
  let s = a.startsWith('[') && a.endsWith(']') ? a.slice(1, -1) : a;
  if (s.toLowerCase().startsWith('::ffff:') && s.includes('.')) s = s.slice(7);
  return s.toLowerCase();
}
