/**
 * B2BUA core: turns new INVITEs into InboundLegs for the call layer ('incoming' event), maps
 * CANCELs to their leg, and creates OutboundLegs. Authorization of INVITEs is a hook
 * (`authorizeInvite`) so the security layer can demand digest auth except for trunks. An
 * INVITE whose body is no usable SDP offer is refused (400/415/488) before that hook runs.
 */

import { TypedEmitter } from '../../kernel/events.js';
import { createResponse, type SipRequest } from '../message.js';
import { checkOfferBody } from '../sdp/offer-check.js';
import type { SipStack } from '../stack.js';
import { SipStatus } from '../status.js';
import type { InviteServerTransaction } from '../transaction/invite-server.js';
import type { TxSource } from '../transaction/types.js';
import { newTag } from '../transaction/util.js';
import { InboundLeg } from './inbound-leg.js';
import { sessionExpires } from './leg.js';
import { OutboundLeg, type OutboundOptions } from './outbound-leg.js';
import type { MediaPort } from './types.js';

/** Smallest session interval we accept (RFC 4028 recommends 90 s). */
export const MIN_SE = 90;

export type B2buaEvents = {
  incoming: [leg: InboundLeg];
};

export interface B2buaOptions {
  media?: MediaPort;
  /**
   * Decide whether a new INVITE may proceed. Return the caller's identity (any object, put on
   * `leg.identity`) to accept, or false after answering `tx` yourself (401/403).
   */
  authorizeInvite?: (
    req: SipRequest,
    src: TxSource,
    tx: InviteServerTransaction,
  ) => Promise<Record<string, unknown> | false> | Record<string, unknown> | false;
}

export class B2bua extends TypedEmitter<B2buaEvents> {
  readonly stack: SipStack;
  readonly #opts: B2buaOptions;
  readonly #byTx = new WeakMap<InviteServerTransaction, InboundLeg>();

  constructor(stack: SipStack, opts: B2buaOptions = {}) {
    super();
    this.stack = stack;
    this.#opts = opts;
    stack.handlers.onInvite = (req, tx, src) => this.#onInvite(req, tx, src);
    stack.handlers.onCancel = (tx) => {
      const leg = this.#byTx.get(tx);
      if (leg) leg.cancelled();
      else tx.respond(createResponse(tx.request, SipStatus.RequestTerminated, { toTag: newTag() }));
    };
  }

  #onInvite(req: SipRequest, tx: InviteServerTransaction, src: TxSource): void {
    // RFC 4028 6: a session interval below our minimum gets 422 with Min-SE
    const se = sessionExpires(req);
    if (se && se.interval < MIN_SE) {
      tx.respond(
        createResponse(req, 422, { toTag: newTag(), headers: [{ name: 'Min-SE', value: String(MIN_SE) }] }),
      );
      return;
    }
    // junk, no media, or a body type we do not speak: refused before auth and before any leg
    const bad = checkOfferBody(req);
    if (bad) {
      this.stack.logger.info(
        {
          reason: bad.reason,
          status: bad.status,
          ip: src.remoteAddress,
          port: src.remotePort,
          transport: src.transport,
        },
        'sip INVITE offer refused',
      );
      tx.respond(createResponse(req, bad.status, { toTag: newTag(), headers: bad.headers }));
      return;
    }
    const authorize = this.#opts.authorizeInvite;
    if (!authorize) {
      this.#accept(req, tx, src, undefined);
      return;
    }
    Promise.resolve(authorize(req, src, tx)).then(
      (identity) => {
        if (identity !== false) this.#accept(req, tx, src, identity);
      },
      (err: unknown) => {
        this.stack.logger.warn({ err }, 'INVITE authorization failed');
        tx.respond(createResponse(req, SipStatus.ServerInternalError, { toTag: newTag() }));
      },
    );
  }

  #accept(
    req: SipRequest,
    tx: InviteServerTransaction,
    src: TxSource,
    identity: Record<string, unknown> | undefined,
  ): void {
    if (tx.state !== 'proceeding') return; // cancelled while authorizing
    const leg = new InboundLeg(this.stack, req, tx, src, this.#opts.media);
    if (identity) leg.identity = identity;
    this.#byTx.set(tx, leg);
    if (!this.safeEmit('incoming', leg)) leg.reject(SipStatus.TemporarilyUnavailable);
  }

  /** Create (and start) an outbound leg. */
  call(opts: OutboundOptions): OutboundLeg {
    const leg = new OutboundLeg(this.stack, opts, this.#opts.media);
    void leg.start();
    return leg;
  }
}
