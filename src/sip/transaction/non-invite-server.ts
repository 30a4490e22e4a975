/**
 * Non-INVITE server transaction (RFC 3261 17.2.2).
 *
 *   trying ──TU 1xx──▶ proceeding ──TU 200-699──▶ completed ──Timer J──▶ terminated
 *     └──────────────TU 200-699──────────────────┘
 *   Retransmitted requests: absorbed in Trying, answered with the last response after.
 */
import type { SipRequest, SipResponse } from '../message.js';
import { TransactionBase } from './base.js';
import { isReliable, type TxContext, type TxTarget } from './types.js';

export const NON_INVITE_SERVER_STATES = ['trying', 'proceeding', 'completed', 'terminated'] as const;
export type NonInviteServerState = (typeof NON_INVITE_SERVER_STATES)[number];

const TABLE: Readonly<Record<NonInviteServerState, readonly NonInviteServerState[]>> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

export class NonInviteServerTransaction extends TransactionBase<NonInviteServerState> {
  readonly request: SipRequest;
  readonly responseTarget: TxTarget;
  #last: SipResponse | undefined;

  constructor(key: string, request: SipRequest, responseTarget: TxTarget, ctx: TxContext) {
    super('sip-non-invite-server-tx', key, ctx, 'trying', TABLE);
    this.request = request;
    this.responseTarget = responseTarget;
  }

  get lastResponse(): SipResponse | undefined {
    return this.#last;
  }

  respond(res: SipResponse): void {
    if (!this.fsm.is('trying', 'proceeding')) return;
    this.#last = res;
    this.transmit(res, this.responseTarget);
    if (res.status < 200) {
      if (this.fsm.is('trying')) this.fsm.transition('proceeding', `${res.status}`);
      return;
    }
    this.fsm.transition('completed', `${res.status}`);
    const j = isReliable(this.responseTarget.transport) ? 0 : 64 * this.ctx.timers.T1;
    this.startTimer('J', j, () => this.terminateWith('terminated', 'timer J'));
  }

  receiveRequest(_req: SipRequest): void {
    if (this.fsm.is('proceeding', 'completed') && this.#last) this.transmit(this.#last, this.responseTarget);
  }

  protected onTransportError(err: unknown): void {
    this.ctx.onSendError?.(err);
    if (!this.fsm.is('terminated')) this.terminateWith('terminated', 'transport error');
  }

  abort(): void {
    if (!this.fsm.is('terminated')) this.terminateWith('terminated', 'aborted');
  }
}
