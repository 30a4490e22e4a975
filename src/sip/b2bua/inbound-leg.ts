/**
 * Inbound (UAS) leg: created from an incoming INVITE. ring()/progress()/answer()/reject()
 * drive the INVITE server transaction; the dialog is created with the first tagged response.
 * A CANCEL from the caller ends the leg with 487 (the stack already answered the CANCEL).
 */

import { Dialog } from '../dialog/dialog.js';
import { createResponse, type SipRequest } from '../message.js';
import type { SipStack } from '../stack.js';
import { SipStatus } from '../status.js';
import type { InviteServerTransaction } from '../transaction/invite-server.js';
import type { TxSource } from '../transaction/types.js';
import { newTag } from '../transaction/util.js';
import { Leg, sessionExpires } from './leg.js';
import type { MediaPort } from './types.js';

export class InboundLeg extends Leg {
  readonly invite: SipRequest;
  readonly tx: InviteServerTransaction;
  readonly source: TxSource;
  readonly localTag = newTag();
  /** Who placed the call, as established by authorization (tenant, user, trunk...). */
  identity: Record<string, unknown> | undefined;

  constructor(
    stack: SipStack,
    invite: SipRequest,
    tx: InviteServerTransaction,
    src: TxSource,
    media?: MediaPort,
  ) {
    super(stack, media);
    this.invite = invite;
    this.tx = tx;
    this.source = src;
    this.setRemoteSdp(invite.body.toString());
    this.fsm.transition('calling', 'INVITE');
    tx.user = {
      onAck: () => {},
      onAckTimeout: () => {
        if (this.fsm.is('answered')) void this.hangup('ack-timeout');
      },
    };
  }

  #ensureDialog(): Dialog {
    if (!this.dialog)
      this.attachDialog(Dialog.fromIncoming(this.stack, this.invite, this.localTag, this.source));
    return this.dialog!;
  }

  #send(status: number, body?: string, extra: { name: string; value: string }[] = []): void {
    const d = status > 100 && status < 300 ? this.#ensureDialog() : undefined;
    const headers = [...extra];
    if (d) headers.push({ name: 'Contact', value: d.localContact });
    if (body) headers.push({ name: 'Content-Type', value: 'application/sdp' });
    this.tx.respond(
      createResponse(this.invite, status, {
        toTag: this.localTag,
        headers,
        ...(body ? { body: Buffer.from(body) } : {}),
      }),
    );
  }

  /**
   * ring/progress/answer take effect in call order even while an SDP is still being built
   * (so a 180 or 183 never goes out after the 200); with nothing queued, ring() is immediate.
   */
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;

  #enqueue(fn: () => Promise<void> | void): Promise<void> {
    this.#queued++;
    const p = this.#queue.then(fn).finally(() => {
      this.#queued--;
    });
    this.#queue = p.catch(() => {});
    return p;
  }

  ring(): void {
    const run = (): void => {
      if (!this.fsm.is('calling', 'early')) return;
      this.#send(180);
      if (this.fsm.is('calling')) this.fsm.transition('early', '180');
    };
    if (this.#queued === 0) run();
    else void this.#enqueue(run);
  }

  /** Our SDP for a 183/200: the answer to the INVITE's offer, or an offer when it had none. */
  async #ourSdp(): Promise<string | undefined> {
    const offer = this.invite.body.toString();
    if (!offer) return this.localSdp();
    try {
      return (await this.media?.answer?.(this.id, offer)) ?? (await this.localAnswer(offer));
    } catch {
      this.reject(SipStatus.NotAcceptableHere);
      return undefined;
    }
  }

  /** 183 Session Progress with our SDP (early media). */
  progress(sdp?: string): Promise<void> {
    return this.#enqueue(() => this.#progress(sdp));
  }

  async #progress(sdp?: string): Promise<void> {
    if (!this.fsm.is('calling', 'early')) return;
    const body = sdp ?? (await this.#ourSdp());
    if (body === undefined) return;
    if (!this.fsm.is('calling', 'early')) return;
    this.#send(183, body);
    if (this.fsm.is('calling')) this.fsm.transition('early', '183');
  }

  answer(sdp?: string): Promise<void> {
    return this.#enqueue(() => this.#answer(sdp));
  }

  async #answer(sdp?: string): Promise<void> {
    if (!this.fsm.is('calling', 'early')) return;
    const body = sdp ?? (await this.#ourSdp());
    if (body === undefined) return;
    if (!this.fsm.is('calling', 'early')) return;
    const se = sessionExpires(this.invite);
    // RFC 4028 9: honour the UAC's choice of refresher; default to the UAC doing it
    const weRefresh = se?.refresher === 'uas';
    const extra = se
      ? [
          { name: 'Session-Expires', value: `${se.interval};refresher=${weRefresh ? 'uas' : 'uac'}` },
          { name: 'Require', value: 'timer' },
        ]
      : [];
    const d = this.#ensureDialog();
    d.pendingInvite = this.tx;
    this.#send(200, body, extra);
    d.confirm();
    this.fsm.transition('answered', '200');
    if (se && weRefresh) this.armRefresher(se.interval);
    else if (se) this.armSessionTimer(se.interval);
    this.safeEmit('answered', this.remoteSdp);
  }

  reject(code = 486): void {
    if (!this.fsm.is('calling', 'early')) return;
    this.#send(code < 300 ? 480 : code);
    this.end('rejected', code);
  }

  /** CANCEL from the caller (wired by the B2BUA dispatcher). */
  cancelled(): void {
    if (!this.fsm.is('calling', 'early')) return;
    this.#send(487);
    this.end('cancelled', 487);
  }

  override async hangup(reason: Parameters<Leg['hangup']>[0] = 'local-hangup'): Promise<void> {
    if (this.fsm.is('calling', 'early')) {
      this.#send(reason === 'no-answer' ? 480 : 487);
      this.end(reason, reason === 'no-answer' ? 480 : 487);
      return;
    }
    await super.hangup(reason);
  }
}
