/**
 * Leg: one side of a call in the B2BUA. The base class owns the dialog once it exists and
 * handles everything in-dialog the same way for inbound and outbound legs: BYE, re-INVITE /
 * UPDATE (hold/resume detection, target refresh, 491 on glare), INFO (DTMF), REFER (RFC
 * 3515, 202 + NOTIFY sipfrag), session timers (RFC 4028), and our own re-INVITEs, serialised
 * one at a time (a 491 is retried once after a random 2.1–4 s, RFC 3261 14.1).
 */

import type { TimerHandle } from '../../kernel/clock.js';
import { TypedEmitter } from '../../kernel/events.js';
import { newId } from '../../kernel/ids.js';
import type { Dialog } from '../dialog/dialog.js';
import { createResponse, getHeader, type SipRequest, type SipResponse } from '../message.js';
import { checkOfferBody } from '../sdp/offer-check.js';
import type { SipStack } from '../stack.js';
import { SipStatus } from '../status.js';
import type { InviteServerTransaction } from '../transaction/invite-server.js';
import type { NonInviteServerTransaction } from '../transaction/non-invite-server.js';
import { StateMachine } from '../transaction/state-machine.js';
import { uriOfNameAddr } from '../transaction/util.js';
import { buildAnswer, buildSdp, type Direction, isHold, sdpDirection } from './sdp-lite.js';
import type { EndReason, LegEvents, LegState, MediaPort } from './types.js';

const TABLE: Readonly<Record<LegState, readonly LegState[]>> = {
  new: ['calling', 'early', 'answered', 'ended'],
  calling: ['early', 'answered', 'ended'],
  early: ['answered', 'ended'],
  answered: ['ended'],
  ended: [],
};

export abstract class Leg extends TypedEmitter<LegEvents> {
  readonly id: string;
  readonly stack: SipStack;
  readonly media: MediaPort | undefined;
  readonly fsm = new StateMachine<LegState>('sip-leg', 'new', TABLE);
  dialog: Dialog | undefined;
  remoteSdp = '';
  /** The peer has put this leg on hold (its last offer was sendonly/inactive). */
  held = false;
  /** We have put the peer on hold (our last offer was sendonly). */
  localHold = false;
  #mediaAddr: { address: string; port: number } | undefined;
  #allocation: Promise<{ address: string; port: number }> | undefined;
  #sdpVersion = 1;
  readonly #sessionId = Math.floor(Math.random() * 1e9);
  #reinviteQueue: Promise<unknown> = Promise.resolve();
  #reinvitePending = false;
  #sessionTimer: TimerHandle | undefined;
  /** Set while we expect the peer to refresh the session (RFC 4028, we are not the refresher). */
  #sessionInterval: number | undefined;

  constructor(stack: SipStack, media?: MediaPort) {
    super();
    this.stack = stack;
    this.media = media;
    this.id = newId('leg');
  }

  get state(): LegState {
    return this.fsm.state;
  }

  /** Reserve media once; without a media port, advertise the signalling host with the discard port 9. */
  async #allocate(): Promise<void> {
    if (this.#mediaAddr) return;
    if (!this.#allocation) {
      const local = this.stack.localAddress();
      // one allocation per leg even when several SDPs are being built at once
      this.#allocation = this.media
        ? Promise.resolve(this.media.allocate(this.id))
        : Promise.resolve({ address: local.host, port: 9 });
    }
    this.#mediaAddr = await this.#allocation;
  }

  /** Our SDP (from the media port's allocation) with the given direction. */
  async localSdp(direction: Direction = 'sendrecv'): Promise<string> {
    await this.#allocate();
    return buildSdp({
      ...this.#mediaAddr!,
      sessionId: this.#sessionId,
      version: this.#sdpVersion++,
      direction,
    });
  }

  /** Our answer to the peer's offer (RFC 3264), with `wanted` as our own direction. */
  async localAnswer(offer: string, wanted: Direction = 'sendrecv'): Promise<string> {
    await this.#allocate();
    return buildAnswer(offer, {
      ...this.#mediaAddr!,
      sessionId: this.#sessionId,
      version: this.#sdpVersion++,
      direction: wanted,
    });
  }

  protected setRemoteSdp(sdp: string): void {
    if (!sdp) return;
    this.remoteSdp = sdp;
    this.media?.remoteDescription?.(this.id, sdp);
  }

  protected attachDialog(d: Dialog): void {
    this.dialog = d;
    d.on('request', (req, tx) => this.#onInDialog(req, tx));
    // the dialog died under us (481/408 to an in-dialog request): the leg is over
    d.on('terminated', (reason) => {
      if (this.dialog !== d || this.fsm.is('ended')) return;
      this.end('failed', /\b481\b/.test(reason) ? 481 : 408);
    });
  }

  /** Forget our dialog on purpose (redirect, re-authentication, another fork answered). */
  protected dropDialog(reason: string): void {
    const d = this.dialog;
    this.dialog = undefined;
    d?.terminate(reason);
  }

  protected end(reason: EndReason, code: number): void {
    if (this.fsm.is('ended')) return;
    this.fsm.transition('ended', reason);
    this.stack.clock.clearTimer(this.#sessionTimer);
    this.dialog?.terminate(reason);
    this.media?.release(this.id);
    this.safeEmit('ended', { reason, code });
  }

  /** End the call from our side (BYE when answered; subclasses handle the early cases). */
  async hangup(reason: EndReason = 'local-hangup'): Promise<void> {
    if (!this.fsm.is('answered') || !this.dialog) return;
    this.end(reason, 200);
    await this.dialog.request('BYE');
  }

  hold(): Promise<SipResponse | undefined> {
    return this.reinvite('sendonly');
  }

  resume(): Promise<SipResponse | undefined> {
    return this.reinvite('sendrecv');
  }

  /**
   * Send a re-INVITE with our SDP in `direction` (or the given SDP); serialised per leg. On 491
   * (glare) it retries up to 3 times after RFC 3261 14.1's wait: 2.1–4 s when we own the
   * Call-ID (we sent the initial INVITE), 0–2 s otherwise.
   */
  reinvite(
    direction: Direction | { sdp: string },
    headers: { name: string; value: string }[] = [],
  ): Promise<SipResponse | undefined> {
    const run = async (): Promise<SipResponse | undefined> => {
      if (!this.fsm.is('answered') || !this.dialog) return undefined;
      try {
        let res: SipResponse | undefined;
        for (let attempt = 0; attempt < 4; attempt++) {
          const sdp = typeof direction === 'string' ? await this.localSdp(direction) : direction.sdp;
          if (!this.dialog || !this.fsm.is('answered')) return res;
          this.#reinvitePending = true;
          res = await this.dialog.request('INVITE', { body: Buffer.from(sdp), headers });
          this.#reinvitePending = false;
          if (res.status === SipStatus.RequestPending && attempt < 3 && this.fsm.is('answered')) {
            const owner = this.dialog.role === 'uac';
            const wait = owner ? 2100 + Math.floor(Math.random() * 1900) : Math.floor(Math.random() * 2000);
            await new Promise<void>((r) => this.stack.clock.setTimer(wait, r));
            continue;
          }
          if (res.status >= 200 && res.status < 300) {
            this.setRemoteSdp(res.body.toString());
            if (typeof direction === 'string') this.localHold = isHold(direction);
          }
          return res;
        }
        return res;
      } finally {
        this.#reinvitePending = false;
      }
    };
    const p = this.#reinviteQueue.then(run, run);
    this.#reinviteQueue = p.catch(() => undefined);
    return p;
  }

  /** Send a DTMF digit as SIP INFO (application/dtmf-relay); resolves with the final status. */
  async sendDtmfInfo(digit: string, durationMs = 160): Promise<number> {
    if (!this.fsm.is('answered') || !this.dialog) return 481;
    const res = await this.dialog.request('INFO', {
      body: Buffer.from(`Signal=${digit}\r\nDuration=${durationMs}\r\n`),
      contentType: 'application/dtmf-relay',
    });
    return res.status;
  }

  /** Change the session with UPDATE (RFC 3311) instead of a re-INVITE; resolves with the response. */
  async update(direction: Direction): Promise<SipResponse | undefined> {
    if (!this.fsm.is('answered') || !this.dialog) return undefined;
    const res = await this.dialog.request('UPDATE', { body: Buffer.from(await this.localSdp(direction)) });
    if (res.status >= 200 && res.status < 300) {
      this.setRemoteSdp(res.body.toString());
      this.localHold = isHold(direction);
    }
    return res;
  }

  /** Ask the peer to call `target` (REFER, RFC 3515); resolves with the REFER's final status. */
  async refer(target: string): Promise<number> {
    if (!this.fsm.is('answered') || !this.dialog) return 481;
    const res = await this.dialog.request('REFER', { headers: [{ name: 'Refer-To', value: `<${target}>` }] });
    return res.status;
  }

  /** Report progress of a REFER we accepted (NOTIFY with a sipfrag, RFC 3515 2.4.5). */
  async notifyRefer(status: number, reason: string, final: boolean): Promise<void> {
    if (!this.dialog || this.dialog.state === 'terminated') return;
    await this.dialog.request('NOTIFY', {
      body: Buffer.from(`SIP/2.0 ${status} ${reason}\r\n`),
      contentType: 'message/sipfrag;version=2.0',
      headers: [
        { name: 'Event', value: 'refer' },
        { name: 'Subscription-State', value: final ? 'terminated;reason=noresource' : 'active;expires=60' },
      ],
    });
  }

  #setHeld(h: boolean): void {
    if (h === this.held) return;
    this.held = h;
    this.safeEmit(h ? 'held' : 'resumed');
  }

  /** RFC 4028: the peer refreshes; if it does not by the deadline we send BYE. */
  protected armSessionTimer(intervalS: number): void {
    this.#sessionInterval = intervalS;
    this.stack.clock.clearTimer(this.#sessionTimer);
    const deadline = intervalS * 1000 - Math.min(32_000, (intervalS * 1000) / 3);
    this.#sessionTimer = this.stack.clock.setTimer(deadline, () => {
      void this.hangup('session-expired');
    });
  }

  /** RFC 4028 where we are the refresher: re-INVITE every interval/2. */
  protected armRefresher(intervalS: number): void {
    this.stack.clock.clearTimer(this.#sessionTimer);
    const se = [
      { name: 'Session-Expires', value: `${intervalS};refresher=uac` },
      { name: 'Supported', value: 'timer' },
    ];
    this.#sessionTimer = this.stack.clock.setTimer((intervalS * 1000) / 2, () => {
      void this.reinvite(this.localHold ? 'sendonly' : 'sendrecv', se).then((res) => {
        if (res && res.status >= 200 && res.status < 300) this.armRefresher(intervalS);
        else if (res && res.status !== SipStatus.RequestPending) void this.hangup('session-expired');
      });
    });
  }

  #onInDialog(req: SipRequest, tx: NonInviteServerTransaction | InviteServerTransaction): void {
    const tag = this.dialog?.localTag;
    const reply = (status: number, body?: string, headers: { name: string; value: string }[] = []): void => {
      const extra = [...headers];
      if (body) extra.push({ name: 'Content-Type', value: 'application/sdp' });
      if (req.method === 'INVITE' || req.method === 'UPDATE')
        extra.push({ name: 'Contact', value: this.dialog?.localContact ?? '' });
      tx.respond(
        createResponse(req, status, {
          ...(tag ? { toTag: tag } : {}),
          headers: extra,
          ...(body ? { body: Buffer.from(body) } : {}),
        }),
      );
    };
    switch (req.method) {
      case 'BYE':
        reply(SipStatus.Ok);
        this.end('remote-bye', 200);
        return;
      case 'INVITE':
      case 'UPDATE': {
        if (req.method === 'INVITE' && this.#reinvitePending) {
          reply(SipStatus.RequestPending);
          return;
        }
        // a refused offer leaves the session as it was (RFC 3261 14.2), session timer included
        const bad = checkOfferBody(req);
        if (bad) {
          this.stack.logger.info(
            { reason: bad.reason, status: bad.status, method: req.method },
            'sip in-dialog offer refused',
          );
          reply(bad.status, undefined, bad.headers);
          return;
        }
        const se =
          sessionExpires(req) ?? (this.#sessionInterval ? { interval: this.#sessionInterval } : undefined);
        if (se) this.armSessionTimer(se.interval);
        const seHeaders = se
          ? [
              { name: 'Session-Expires', value: `${se.interval};refresher=uac` },
              { name: 'Require', value: 'timer' },
            ]
          : [];
        if (req.method === 'INVITE') this.dialog!.pendingInvite = tx as InviteServerTransaction;
        const offer = req.body.toString();
        if (!offer) {
          void this.localSdp(this.localHold ? 'sendonly' : 'sendrecv').then((sdp) =>
            reply(SipStatus.Ok, req.method === 'INVITE' ? sdp : undefined, seHeaders),
          );
          return;
        }
        this.setRemoteSdp(offer);
        const dir = sdpDirection(offer);
        void this.localAnswer(offer, this.localHold ? 'sendonly' : 'sendrecv').then(
          (sdp) => {
            reply(SipStatus.Ok, sdp, seHeaders);
            this.#setHeld(isHold(dir));
          },
          () => reply(SipStatus.NotAcceptableHere),
        );
        return;
      }
      case 'INFO': {
        reply(SipStatus.Ok);
        const ct = (getHeader(req, 'Content-Type') ?? '').toLowerCase();
        const m = /signal\s*=\s*([0-9A-D*#])/i.exec(req.body.toString());
        if (ct.includes('dtmf') && m) this.safeEmit('dtmf-info', m[1]!.toUpperCase());
        return;
      }
      case 'REFER': {
        const to = getHeader(req, 'Refer-To');
        if (!to) {
          reply(SipStatus.BadRequest);
          return;
        }
        reply(SipStatus.Accepted);
        void this.notifyRefer(100, 'Trying', false);
        this.safeEmit('refer', uriOfNameAddr(to));
        return;
      }
      default:
        reply(SipStatus.Ok);
    }
  }
}

export function sessionExpires(
  m: SipRequest | SipResponse,
): { interval: number; refresher?: string } | undefined {
  const v = getHeader(m, 'Session-Expires');
  if (!v) return undefined;
  const interval = Number(v.split(';')[0]!.trim());
  if (!Number.isFinite(interval) || interval <= 0) return undefined;
  const r = /refresher\s*=\s*(uac|uas)/i.exec(v);
  return r ? { interval, refresher: r[1]!.toLowerCase() } : { interval };
}
