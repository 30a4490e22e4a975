/**
 * Non-INVITE client transaction (RFC 3261 17.1.2).
 *
 *   trying ──1xx──▶ proceeding ──200-699──▶ completed ──Timer K──▶ terminated
 *     └────────────200-699──────────────────┘
 *   Timer E (unreliable) retransmits: T1, 2T1, … capped at T2 (in Proceeding: every T2).
 *   Timer F (64*T1) times out Trying/Proceeding.
 */
import type { SipRequest, SipResponse } from '../message.js';
import { TransactionBase } from './base.js';
import { type ClientTxUser, isReliable, type TxContext, type TxTarget } from './types.js';

export const NON_INVITE_CLIENT_STATES = ['trying', 'proceeding', 'completed', 'terminated'] as const;
export type NonInviteClientState = (typeof NON_INVITE_CLIENT_STATES)[number];

const TABLE: Readonly<Record<NonInviteClientState, readonly NonInviteClientState[]>> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

export class NonInviteClientTransaction extends TransactionBase<NonInviteClientState> {
  readonly request: SipRequest;
  readonly target: TxTarget;
  readonly #user: ClientTxUser;
  #timerE: number;

  constructor(key: string, request: SipRequest, target: TxTarget, ctx: TxContext, user: ClientTxUser) {
    super('sip-non-invite-client-tx', key, ctx, 'trying', TABLE);
    this.request = request;
    this.target = target;
    this.#user = user;
    this.#timerE = ctx.timers.T1;
  }

  start(): void {
    this.transmit(this.request, this.target);
    if (!isReliable(this.target.transport)) this.startTimer('E', this.#timerE, () => this.#fireE());
    this.startTimer('F', 64 * this.ctx.timers.T1, () => this.#fireF());
  }

  #fireE(): void {
    if (!this.fsm.is('trying', 'proceeding')) return;
    this.transmit(this.request, this.target);
    const { T2 } = this.ctx.timers;
    this.#timerE = this.fsm.is('proceeding') ? T2 : Math.min(2 * this.#timerE, T2);
    this.startTimer('E', this.#timerE, () => this.#fireE());
  }

  #fireF(): void {
    if (!this.fsm.is('trying', 'proceeding')) return;
    this.terminateWith('terminated', 'timer F');
    this.#user.onTimeout('timeout');
  }

  receiveResponse(res: SipResponse): void {
    if (!this.fsm.is('trying', 'proceeding')) return; // completed absorbs retransmissions
    if (res.status < 200) {
      if (this.fsm.is('trying')) this.fsm.transition('proceeding', `${res.status}`);
      this.#user.onResponse(res);
      return;
    }
    this.stopTimer('E');
    this.stopTimer('F');
    this.fsm.transition('completed', `${res.status}`);
    const k = isReliable(this.target.transport) ? 0 : this.ctx.timers.T4;
    this.startTimer('K', k, () => this.terminateWith('terminated', 'timer K'));
    this.#user.onResponse(res);
  }

  protected onTransportError(err: unknown): void {
    this.ctx.onSendError?.(err);
    if (this.fsm.is('trying', 'proceeding')) {
      this.terminateWith('terminated', 'transport error');
      this.#user.onTimeout('transport-error');
    }
  }

  abort(): void {
    if (!this.fsm.is('terminated')) this.terminateWith('terminated', 'aborted');
  }
}
