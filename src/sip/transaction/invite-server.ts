/**
 * INVITE server transaction (RFC 3261 17.2.1, with the Accepted state of RFC 6026).
 *
 *   proceeding ──TU 2xx──▶ accepted ──Timer L──▶ terminated
 *      │                      (2xx retransmitted T1..T2 until the ACK arrives, 13.3.1.4)
 *      └─TU 300-699─▶ completed ──ACK──▶ confirmed ──Timer I──▶ terminated
 *                        └──Timer H (no ACK)──────────────────────▲
 *   A 100 Trying goes out immediately or after 200 ms unless the TU sent a provisional first.
 *   Retransmitted INVITEs are absorbed (answered with the last response where RFC says so).
 */
import type { SipRequest, SipResponse } from '../message.js';
import { createResponse } from '../message.js';
import { TransactionBase } from './base.js';
import { isReliable, type ServerTxUser, type TxContext, type TxTarget } from './types.js';

export const INVITE_SERVER_STATES = [
  'proceeding',
  'completed',
  'confirmed',
  'accepted',
  'terminated',
] as const;
export type InviteServerState = (typeof INVITE_SERVER_STATES)[number];

const TABLE: Readonly<Record<InviteServerState, readonly InviteServerState[]>> = {
  proceeding: ['completed', 'accepted', 'terminated'],
  completed: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  accepted: ['terminated'],
  terminated: [],
};

export interface InviteServerOptions {
  /** 'immediate' sends 100 Trying at once; a number waits that long (RFC: 200 ms); 'never' disables. */
  trying?: 'immediate' | 'never' | number;
}

export class InviteServerTransaction extends TransactionBase<InviteServerState> {
  readonly request: SipRequest;
  readonly responseTarget: TxTarget;
  user: ServerTxUser = {};
  #last: SipResponse | undefined;
  #timerG: number;
  #acked = false;

  constructor(
    key: string,
    request: SipRequest,
    responseTarget: TxTarget,
    ctx: TxContext,
    opts: InviteServerOptions = {},
  ) {
    super('sip-invite-server-tx', key, ctx, 'proceeding', TABLE);
    this.request = request;
    this.responseTarget = responseTarget;
    this.#timerG = ctx.timers.T1;
    const trying = opts.trying ?? 200;
    if (trying === 'immediate') this.#send100();
    else if (trying !== 'never') this.startTimer('trying', trying, () => this.#send100());
  }

  /** Last response sent (undefined before any). */
  get lastResponse(): SipResponse | undefined {
    return this.#last;
  }

  get acked(): boolean {
    return this.#acked;
  }

  #send100(): void {
    if (this.#last || !this.fsm.is('proceeding')) return;
    this.respond(createResponse(this.request, 100));
  }

  /** The TU sends a response through the transaction. */
  respond(res: SipResponse): void {
    const s = res.status;
    switch (this.fsm.state) {
      case 'proceeding':
        this.stopTimer('trying');
        this.#last = res;
        this.transmit(res, this.responseTarget);
        if (s < 200) return;
        if (s < 300) {
          this.fsm.transition('accepted', `${s}`);
          const { T1 } = this.ctx.timers;
          if (!isReliable(this.responseTarget.transport))
            this.startTimer('G2xx', T1, () => this.#retransmit2xx());
          this.startTimer('L', 64 * T1, () => this.#fireL());
        } else {
          this.fsm.transition('completed', `${s}`);
          const { T1 } = this.ctx.timers;
          if (!isReliable(this.responseTarget.transport))
            this.startTimer('G', this.#timerG, () => this.#fireG());
          this.startTimer('H', 64 * T1, () => this.#fireH());
        }
        return;
      case 'accepted':
        // RFC 6026: the TU may pass further 2xx (retransmissions) straight through
        if (s >= 200 && s < 300) this.transmit(res, this.responseTarget);
        return;
      default:
        return; // a late response from the TU after the final one is dropped
    }
  }

  #retransmit2xx(): void {
    if (!this.fsm.is('accepted') || this.#acked || !this.#last) return;
    this.transmit(this.#last, this.responseTarget);
    this.#timerG = Math.min(2 * this.#timerG, this.ctx.timers.T2);
    this.startTimer('G2xx', this.#timerG, () => this.#retransmit2xx());
  }

  #fireG(): void {
    if (!this.fsm.is('completed') || !this.#last) return;
    this.transmit(this.#last, this.responseTarget);
    this.#timerG = Math.min(2 * this.#timerG, this.ctx.timers.T2);
    this.startTimer('G', this.#timerG, () => this.#fireG());
  }

  #fireH(): void {
    if (!this.fsm.is('completed')) return;
    this.terminateWith('terminated', 'timer H');
    this.user.onAckTimeout?.();
  }

  #fireL(): void {
    const acked = this.#acked;
    this.terminateWith('terminated', 'timer L');
    if (!acked) this.user.onAckTimeout?.();
  }

  /** A retransmission of the INVITE matched this transaction. */
  receiveRequest(_req: SipRequest): void {
    if (this.fsm.is('proceeding', 'completed') && this.#last) this.transmit(this.#last, this.responseTarget);
    // accepted / confirmed: absorbed
  }

  /** ACK matched this transaction: for a non-2xx (same branch) or for a 2xx (routed by dialog). */
  receiveAck(ack: SipRequest): void {
    if (this.fsm.is('completed')) {
      this.stopTimer('G');
      this.stopTimer('H');
      this.fsm.transition('confirmed', 'ACK');
      const i = isReliable(this.responseTarget.transport) ? 0 : this.ctx.timers.T4;
      this.startTimer('I', i, () => this.terminateWith('terminated', 'timer I'));
      return;
    }
    if (this.fsm.is('accepted')) {
      const first = !this.#acked;
      this.#acked = true;
      this.stopTimer('G2xx');
      if (first) this.user.onAck?.(ack);
    }
  }

  /**
   * Stop retransmitting the 2xx without an ACK: a later request in the dialog (e.g. BYE) shows
   * the peer got the 2xx and only its ACK was lost. Timer L still ends the transaction.
   */
  stopRetransmitting(): void {
    if (!this.fsm.is('accepted')) return;
    this.stopTimer('G2xx');
    this.#acked = true;
  }

  protected onTransportError(err: unknown): void {
    this.ctx.onSendError?.(err);
    this.user.onTransportError?.(err);
    if (!this.fsm.is('terminated')) this.terminateWith('terminated', 'transport error');
  }

  abort(): void {
    if (!this.fsm.is('terminated')) this.terminateWith('terminated', 'aborted');
  }
}
