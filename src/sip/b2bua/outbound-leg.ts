/**
 * Outbound (UAC) leg: sends an INVITE to a target (registered contact or trunk address),
 * follows 3xx (up to 3 times), reports 180/183/200, enforces a no-answer timeout (CANCEL),
 * and cleans up the CANCEL races: a 2xx that arrives after we cancelled is ACKed and BYEd.
 */
import { contactFor, Dialog } from '../dialog/dialog.js';
import { getHeaders, type SipRequest, type SipResponse } from '../message.js';
import type { SipStack } from '../stack.js';
import type { ClientTransaction } from '../transaction/transaction-layer.js';
import type { TransportKind, TxTarget } from '../transaction/types.js';
import { newCallId, newTag, parseUriLite, toTag, uriOfNameAddr } from '../transaction/util.js';
import { Leg, sessionExpires } from './leg.js';
import type { MediaPort } from './types.js';
import { authorizationFor, type UacCredentials } from './uac-auth.js';

export interface OutboundOptions {
  /** Request-URI, e.g. the registered contact or `sip:+331…@trunk`. */
  uri: string;
  /** Where to send (defaults to the Request-URI's host/port). */
  target?: TxTarget;
  from: string;
  to: string;
  /** SDP offer; defaults to our media port allocation. */
  sdp?: string;
  /** No-answer timeout in ms (default 60 s). */
  noAnswerMs?: number;
  headers?: { name: string; value: string }[];
  /** Answer 401/407 challenges from the target (a carrier, another registrar) with these. */
  credentials?: UacCredentials;
}

export function targetOfUri(uri: string): TxTarget {
  const u = parseUriLite(uri);
  const t = (u.params.get('transport') ?? 'udp').toLowerCase() as TransportKind;
  return { transport: t, host: u.host.replace(/^\[|\]$/g, ''), port: u.port ?? 5060 };
}

export class OutboundLeg extends Leg {
  readonly opts: OutboundOptions;
  readonly callId: string;
  readonly localTag = newTag();
  #invite: SipRequest | undefined;
  #tx: ClientTransaction | undefined;
  #target: TxTarget;
  #gotProvisional = false;
  #cancelRequested = false;
  #redirects = 0;
  #cseq = 0;
  #authTries = 0;
  #noAnswer: ReturnType<SipStack['clock']['setTimer']> | undefined;

  constructor(stack: SipStack, opts: OutboundOptions, media?: MediaPort) {
    super(stack, media);
    this.opts = opts;
    this.#target = opts.target ?? targetOfUri(opts.uri);
    this.callId = newCallId(stack.localAddress(this.#target.transport).host);
  }

  get invite(): SipRequest | undefined {
    return this.#invite;
  }

  /** Send the INVITE. */
  async start(): Promise<void> {
    if (!this.fsm.is('new')) return;
    this.fsm.transition('calling', 'INVITE');
    const sdp = this.opts.sdp ?? (await this.localSdp());
    this.#noAnswer = this.stack.clock.setTimer(this.opts.noAnswerMs ?? 60_000, () => this.#onNoAnswer());
    this.#sendInvite(this.opts.uri, sdp);
  }

  #sendInvite(uri: string, sdp: string, extra: { name: string; value: string }[] = []): void {
    this.#cseq++;
    const local = this.stack.localAddress(this.#target.transport);
    const headers = [
      { name: 'From', value: `${this.opts.from};tag=${this.localTag}` },
      { name: 'To', value: this.opts.to },
      { name: 'Call-ID', value: this.callId },
      { name: 'CSeq', value: `${this.#cseq} INVITE` },
      { name: 'Contact', value: contactFor(local.host, local.port, this.#target.transport) },
      { name: 'Allow', value: 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, REFER, NOTIFY' },
      ...(this.opts.headers ?? []),
      ...extra,
      { name: 'Content-Type', value: 'application/sdp' },
    ];
    const req: SipRequest = {
      type: 'request',
      method: 'INVITE',
      uri,
      version: 'SIP/2.0',
      headers,
      body: Buffer.from(sdp),
    };
    this.#invite = req;
    this.#tx = this.stack.sendRequest(req, this.#target, {
      onResponse: (res) => this.#onResponse(req, res),
      onTimeout: () => this.#finish('timeout', 408),
    });
  }

  #onResponse(req: SipRequest, res: SipResponse): void {
    const s = res.status;
    if (s < 200) {
      if (s === 100) return;
      this.#gotProvisional = true;
      if (this.#cancelRequested) {
        this.#sendCancel();
        return;
      }
      if (toTag(res) && !this.dialog)
        this.attachDialog(Dialog.fromResponse(this.stack, req, res, this.#target));
      if (this.fsm.is('calling')) this.fsm.transition('early', String(s));
      if (res.body.length > 0) {
        this.setRemoteSdp(res.body.toString());
        this.safeEmit('early-media', res.body.toString());
      } else if (s === 180) this.safeEmit('ringing');
      return;
    }
    if (s < 300) {
      const tag = toTag(res);
      const current = this.dialog;
      if (current && current.remoteTag === tag && current.lastAck) {
        current.onStray2xx(res); // retransmitted 2xx: re-ACK only
        return;
      }
      if (this.fsm.is('answered')) {
        // a second fork answered too (RFC 3261 13.2.2.4): ACK it and BYE it, keep the first
        const other = Dialog.fromResponse(this.stack, req, res, this.#target);
        other.sendAck(req, res);
        void other.request('BYE').then(() => other.terminate('fork'));
        return;
      }
      if (this.dialog && this.dialog.remoteTag !== tag) {
        // the early dialog belonged to another fork than the one that answered
        this.dropDialog('fork');
      }
      if (!this.dialog) this.attachDialog(Dialog.fromResponse(this.stack, req, res, this.#target));
      const d = this.dialog!;
      d.confirm();
      d.sendAck(req, res);
      if (this.#cancelRequested || this.fsm.is('ended')) {
        // CANCEL lost the race (RFC 3261 15): ACK then BYE
        void d.request('BYE').then(() => d.terminate('cancel race'));
        this.#finish('cancelled', 487);
        return;
      }
      this.stack.clock.clearTimer(this.#noAnswer);
      this.setRemoteSdp(res.body.toString());
      this.fsm.transition('answered', '200');
      const se = sessionExpires(res);
      if (se?.refresher === 'uac') this.armRefresher(se.interval);
      else if (se?.refresher === 'uas') this.armSessionTimer(se.interval);
      this.safeEmit('answered', res.body.toString());
      return;
    }
    if ((s === 401 || s === 407) && this.opts.credentials && this.#authTries < 1 && !this.#cancelRequested) {
      const auth = authorizationFor(req, res, this.opts.credentials);
      if (auth) {
        this.#authTries++;
        this.dropDialog('auth');
        this.#gotProvisional = false;
        this.#sendInvite(req.uri, req.body.toString(), [auth]);
        return;
      }
    }
    if (s < 400 && this.#redirects < 3 && !this.#cancelRequested) {
      const contact = getHeaders(res, 'Contact')[0];
      if (contact) {
        this.#redirects++;
        const uri = uriOfNameAddr(contact);
        this.#target = targetOfUri(uri);
        this.dropDialog('redirect');
        this.#sendInvite(uri, req.body.toString());
        return;
      }
    }
    this.#finish(this.#cancelRequested ? 'cancelled' : 'rejected', s);
  }

  #onNoAnswer(): void {
    if (!this.fsm.is('calling', 'early')) return;
    this.#cancel();
    this.#finish('no-answer', 408);
  }

  #cancel(): void {
    if (this.#cancelRequested) return;
    this.#cancelRequested = true;
    if (this.#gotProvisional) this.#sendCancel(); // else: CANCEL when the first 1xx arrives
  }

  #sendCancel(): void {
    if (!this.#invite || !this.#tx) return;
    const tx = this.#tx;
    if (tx.state !== 'calling' && tx.state !== 'proceeding') return;
    this.stack.sendCancel(this.#invite, this.#target, { onResponse: () => {}, onTimeout: () => {} });
  }

  #finish(reason: Parameters<Leg['end']>[0], code: number): void {
    this.stack.clock.clearTimer(this.#noAnswer);
    this.end(reason, code);
  }

  override async hangup(reason: Parameters<Leg['hangup']>[0] = 'local-hangup'): Promise<void> {
    if (this.fsm.is('new')) {
      this.#finish(reason, 0);
      return;
    }
    if (this.fsm.is('calling', 'early')) {
      this.#cancel();
      this.#finish(reason === 'local-hangup' ? 'cancelled' : reason, 487);
      return;
    }
    await super.hangup(reason);
  }
}
