/**
 * INVITE client transaction (RFC 3261 17.1.1, with the Accepted state of RFC 6026).
 *
 *   calling ──1xx──▶ proceeding ──2xx──▶ accepted ──Timer M──▶ terminated
 *      │  └──────────2xx──────────────────┘                     ▲
 *      └─300-699─▶ completed (ACK sent; absorbs retransmits) ─Timer D─┘
 *   Timer A (unreliable only) retransmits the INVITE, doubling; Timer B (64*T1) times out Calling.
 */
import { getHeader, getHeaders, type SipRequest, type SipResponse } from '../message.js';
import { TransactionBase } from './base.js';
import { type ClientTxUser, isReliable, type TxContext, type TxTarget } from './types.js';
import { topVia } from './util.js';

export const INVITE_CLIENT_STATES = ['calling', 'proceeding', 'completed', 'accepted', 'terminated'] as const;
export type InviteClientState = (typeof INVITE_CLIENT_STATES)[number];

const TABLE: Readonly<Record<InviteClientState, readonly InviteClientState[]>> = {
  calling: ['proceeding', 'completed', 'accepted', 'terminated'],
  proceeding: ['completed', 'accepted', 'terminated'],
  completed: ['terminated'],
  accepted: ['terminated'],
  terminated: [],
};

export class InviteClientTransaction extends TransactionBase<InviteClientState> {
  readonly request: SipRequest;
  readonly target: TxTarget;
  readonly #user: ClientTxUser;
  #ack: SipRequest | undefined;
  #timerA: number;

  constructor(key: string, request: SipRequest, target: TxTarget, ctx: TxContext, user: ClientTxUser) {
    super('sip-invite-client-tx', key, ctx, 'calling', TABLE);
    this.request = request;
    this.target = target;
    this.#user = user;
    this.#timerA = ctx.timers.T1;
  }

  /** Send the INVITE and arm Timers A (unreliable) and B. */
  start(): void {
    this.transmit(this.request, this.target);
    if (!isReliable(this.target.transport)) this.startTimer('A', this.#timerA, () => this.#fireA());
    this.startTimer('B', 64 * this.ctx.timers.T1, () => this.#fireB());
  }

  #fireA(): void {
    if (!this.fsm.is('calling')) return;
    this.transmit(this.request, this.target);
    this.#timerA *= 2;
    this.startTimer('A', this.#timerA, () => this.#fireA());
  }

  #fireB(): void {
    if (!this.fsm.is('calling')) return;
    this.terminateWith('terminated', 'timer B');
    this.#user.onTimeout('timeout');
  }

  receiveResponse(res: SipResponse): void {
    const s = res.status;
    switch (this.fsm.state) {
      case 'calling':
      case 'proceeding':
        if (s < 200) {
          if (this.fsm.is('calling')) {
            this.stopTimer('A');
            this.stopTimer('B');
            this.fsm.transition('proceeding', `${s}`);
          }
          this.#user.onResponse(res);
        } else if (s < 300) {
          this.clearTimers();
          this.fsm.transition('accepted', `${s}`);
          this.startTimer('M', 64 * this.ctx.timers.T1, () => this.terminateWith('terminated', 'timer M'));
          this.#user.onResponse(res);
        } else {
          this.clearTimers();
          this.fsm.transition('completed', `${s}`);
          this.#ack = buildNon2xxAck(this.request, res);
          this.transmit(this.#ack, this.target);
          const d = isReliable(this.target.transport) ? 0 : 32_000;
          this.startTimer('D', d, () => this.terminateWith('terminated', 'timer D'));
          this.#user.onResponse(res);
        }
        return;
      case 'completed':
        // retransmitted final response: ACK again, do not pass up
        if (s >= 300 && this.#ack) this.transmit(this.#ack, this.target);
        return;
      case 'accepted':
        // RFC 6026: further 2xx (retransmits or other forks) go to the TU, which ACKs them
        if (s >= 200 && s < 300) this.#user.onResponse(res);
        return;
      case 'terminated':
        return;
    }
  }

  protected onTransportError(err: unknown): void {
    this.ctx.onSendError?.(err);
    if (this.fsm.is('calling', 'proceeding')) {
      this.terminateWith('terminated', 'transport error');
      this.#user.onTimeout('transport-error');
    }
  }

  /** Drop silently (stack shutdown). */
  abort(): void {
    if (!this.fsm.is('terminated')) this.terminateWith('terminated', 'aborted');
  }
}

/** ACK for a non-2xx final response (RFC 3261 17.1.1.3). */
export function buildNon2xxAck(invite: SipRequest, res: SipResponse): SipRequest {
  const headers: SipRequest['headers'] = [];
  const via = getHeaders(invite, 'Via')[0];
  if (via !== undefined) headers.push({ name: 'Via', value: via });
  for (const r of getHeaders(invite, 'Route')) headers.push({ name: 'Route', value: r });
  headers.push({ name: 'Max-Forwards', value: '70' });
  headers.push({ name: 'From', value: getHeader(invite, 'From') ?? '' });
  headers.push({ name: 'To', value: getHeader(res, 'To') ?? getHeader(invite, 'To') ?? '' });
  headers.push({ name: 'Call-ID', value: getHeader(invite, 'Call-ID') ?? '' });
  const seq = (getHeader(invite, 'CSeq') ?? '1').trim().split(/\s+/)[0];
  headers.push({ name: 'CSeq', value: `${seq} ACK` });
  headers.push({ name: 'Content-Length', value: '0' });
  return {
    type: 'request',
    method: 'ACK',
    uri: invite.uri,
    version: 'SIP/2.0',
    headers,
    body: Buffer.alloc(0),
  };
}

/** Client transaction key (RFC 3261 17.1.3): top Via branch + CSeq method (ACK shares INVITE's). */
export function clientKey(branch: string, method: string): string {
  return `${branch}|${method === 'ACK' ? 'INVITE' : method}`;
}

export function clientKeyOfResponse(res: SipResponse): string | undefined {
  const via = topVia(res);
  const cseq = (getHeader(res, 'CSeq') ?? '').trim().split(/\s+/)[1];
  if (!via?.branch || !cseq) return undefined;
  return clientKey(via.branch, cseq.toUpperCase());
}
