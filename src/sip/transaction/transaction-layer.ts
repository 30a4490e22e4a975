/**
 * The transaction layer: creates the four machines and matches incoming messages to them.
 *
 * Matching (RFC 3261 17.1.3 / 17.2.3): responses by top-Via branch + CSeq method; requests by
 * branch (with the z9hG4bK magic cookie) + sent-by + method, where ACK matches its INVITE and
 * a CANCEL is matched to the INVITE it cancels via the same key with method INVITE. Requests
 * without the magic cookie fall back to RFC 2543-style matching on Call-ID, CSeq number, From
 * tag and the top Via.
 */

import type { Clock } from '../../kernel/clock.js';
import { getHeaders, type SipRequest, type SipResponse } from '../message.js';
import { clientKey, clientKeyOfResponse, InviteClientTransaction } from './invite-client.js';
import { type InviteServerOptions, InviteServerTransaction } from './invite-server.js';
import { NonInviteClientTransaction } from './non-invite-client.js';
import { NonInviteServerTransaction } from './non-invite-server.js';
import type { ClientTxUser, SendFn, TimerValues, TxContext, TxTarget } from './types.js';
import { DEFAULT_TIMERS } from './types.js';
import { callIdOf, fromTag, isRfc3261Branch, parseCSeqLite, topVia } from './util.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** Server transaction key for a request, as if its method were `asMethod`. */
export function serverKey(req: SipRequest, asMethod?: string): string {
  const method = asMethod ?? (req.method === 'ACK' ? 'INVITE' : req.method);
  const via = topVia(req);
  if (via && isRfc3261Branch(via.branch)) {
    return `${via.branch}|${via.host.toLowerCase()}:${via.port ?? ''}|${method}`;
  }
  const rawVia = getHeaders(req, 'Via')[0] ?? '';
  return `2543|${callIdOf(req)}|${parseCSeqLite(req).seq}|${fromTag(req) ?? ''}|${rawVia}|${method}`;
}

export interface TransactionLayerOptions {
  clock: Clock;
  send: SendFn;
  timers?: Partial<TimerValues>;
  onSendError?: (err: unknown) => void;
}

export class TransactionLayer {
  readonly #clients = new Map<string, ClientTransaction>();
  readonly #servers = new Map<string, ServerTransaction>();
  readonly #clientCtx: TxContext;
  readonly #serverCtx: TxContext;

  constructor(opts: TransactionLayerOptions) {
    const timers = { ...DEFAULT_TIMERS, ...opts.timers };
    const base = { clock: opts.clock, send: opts.send, timers, onSendError: opts.onSendError };
    this.#clientCtx = { ...base, onTerminated: (k) => this.#clients.delete(k) };
    this.#serverCtx = { ...base, onTerminated: (k) => this.#servers.delete(k) };
  }

  get timers(): TimerValues {
    return this.#clientCtx.timers;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  get serverCount(): number {
    return this.#servers.size;
  }

  /** Start a client transaction. The request must already carry its top Via with a branch. */
  sendRequest(req: SipRequest, target: TxTarget, user: ClientTxUser): ClientTransaction {
    const branch = topVia(req)?.branch ?? '';
    const key = clientKey(branch, req.method);
    const tx =
      req.method === 'INVITE'
        ? new InviteClientTransaction(key, req, target, this.#clientCtx, user)
        : new NonInviteClientTransaction(key, req, target, this.#clientCtx, user);
    this.#clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Route a response to its client transaction; false when none matches (stray). */
  receiveResponse(res: SipResponse): boolean {
    const key = clientKeyOfResponse(res);
    const tx = key === undefined ? undefined : this.#clients.get(key);
    if (!tx) return false;
    tx.receiveResponse(res);
    return true;
  }

  findServer(req: SipRequest): ServerTransaction | undefined {
    return this.#servers.get(serverKey(req));
  }

  /** The INVITE server transaction a CANCEL refers to (RFC 3261 9.2). */
  findInviteForCancel(cancel: SipRequest): InviteServerTransaction | undefined {
    const tx = this.#servers.get(serverKey(cancel, 'INVITE'));
    return tx instanceof InviteServerTransaction ? tx : undefined;
  }

  createInviteServer(
    req: SipRequest,
    responseTarget: TxTarget,
    opts?: InviteServerOptions,
  ): InviteServerTransaction {
    const key = serverKey(req);
    const tx = new InviteServerTransaction(key, req, responseTarget, this.#serverCtx, opts);
    if (!tx.state.startsWith('term')) this.#servers.set(key, tx);
    return tx;
  }

  createNonInviteServer(req: SipRequest, responseTarget: TxTarget): NonInviteServerTransaction {
    const key = serverKey(req);
    const tx = new NonInviteServerTransaction(key, req, responseTarget, this.#serverCtx);
    this.#servers.set(key, tx);
    return tx;
  }

  /** Abort every transaction and clear their timers (stack shutdown). */
  close(): void {
    for (const tx of [...this.#clients.values()]) tx.abort();
    for (const tx of [...this.#servers.values()]) tx.abort();
    this.#clients.clear();
    this.#servers.clear();
  }
}
