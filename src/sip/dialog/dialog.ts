/**
 * A SIP dialog (RFC 3261 12): identifiers, CSeq spaces, remote target, route set, and
 * in-dialog request construction/sending. Owners (B2BUA legs) listen to its events.
 *
 * States: early (1xx with To tag) → confirmed (2xx) → terminated. Requests we send go to the
 * first route-set entry (loose routing) or else the remote target; `flow` overrides that with
 * the address the dialog-creating request came from (NAT, RFC 3581) when set.
 */

import { TypedEmitter } from '../../kernel/events.js';
import { getHeader, getHeaders, type SipRequest, type SipResponse } from '../message.js';
import type { DialogEndpoint, SipStack } from '../stack.js';
import { dialogKey } from '../stack.js';
import { SipStatus } from '../status.js';
import type { InviteServerTransaction } from '../transaction/invite-server.js';
import type { NonInviteServerTransaction } from '../transaction/non-invite-server.js';
import { StateMachine } from '../transaction/state-machine.js';
import type { TransportKind, TxSource, TxTarget } from '../transaction/types.js';
import { callIdOf, fromTag, parseCSeqLite, parseUriLite, toTag, uriOfNameAddr } from '../transaction/util.js';

export const DIALOG_STATES = ['early', 'confirmed', 'terminated'] as const;
export type DialogState = (typeof DIALOG_STATES)[number];
const TABLE: Readonly<Record<DialogState, readonly DialogState[]>> = {
  early: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

export type DialogEvents = {
  /** An in-dialog request (not ACK); the owner must respond through `tx`. */
  request: [req: SipRequest, tx: NonInviteServerTransaction | InviteServerTransaction];
  ack: [ack: SipRequest];
  terminated: [reason: string];
};

export interface DialogInit {
  stack: SipStack;
  role: 'uac' | 'uas';
  callId: string;
  localTag: string;
  remoteTag: string;
  /** From (UAC) / To (UAS) value without tag. */
  localUri: string;
  remoteUri: string;
  localSeq: number;
  remoteSeq: number;
  remoteTarget: string;
  routeSet: string[];
  localContact: string;
  flow?: TxTarget;
}

export interface RequestOptions {
  body?: Buffer;
  contentType?: string;
  headers?: { name: string; value: string }[];
}

export class Dialog extends TypedEmitter<DialogEvents> implements DialogEndpoint {
  readonly stack: SipStack;
  readonly role: 'uac' | 'uas';
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly localUri: string;
  readonly remoteUri: string;
  localSeq: number;
  remoteSeq: number;
  remoteTarget: string;
  readonly routeSet: string[];
  readonly localContact: string;
  flow: TxTarget | undefined;
  readonly fsm: StateMachine<DialogState>;
  /** ACK we sent for the last 2xx (re-sent on 2xx retransmissions). */
  lastAck: { cseq: number; ack: SipRequest } | undefined;
  /** The INVITE server transaction whose 2xx waits for an ACK. */
  pendingInvite: InviteServerTransaction | undefined;

  constructor(init: DialogInit) {
    super();
    this.stack = init.stack;
    this.role = init.role;
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localContact = init.localContact;
    this.flow = init.flow;
    this.fsm = new StateMachine<DialogState>('sip-dialog', 'early', TABLE);
    this.stack.registerDialog(this.key, this);
  }

  get key(): string {
    return dialogKey(this.callId, this.localTag, this.remoteTag);
  }

  get state(): DialogState {
    return this.fsm.state;
  }

  confirm(): void {
    if (this.fsm.is('early')) this.fsm.transition('confirmed', '2xx');
  }

  terminate(reason: string): void {
    if (this.fsm.is('terminated')) return;
    this.fsm.transition('terminated', reason);
    this.stack.unregisterDialog(this.key);
    this.safeEmit('terminated', reason);
  }

  /** UAS dialog from an INVITE and the tag we put in our 1xx/2xx (RFC 3261 12.1.1). */
  static fromIncoming(stack: SipStack, req: SipRequest, localTag: string, src: TxSource): Dialog {
    const contact = getHeaders(req, 'Contact')[0];
    const local = stack.localAddress(src.transport);
    const flow: TxTarget = { transport: src.transport, host: src.remoteAddress, port: src.remotePort };
    if (src.connectionId !== undefined) flow.connectionId = src.connectionId;
    return new Dialog({
      stack,
      role: 'uas',
      callId: callIdOf(req),
      localTag,
      remoteTag: fromTag(req) ?? '',
      localUri: stripTag(getHeader(req, 'To') ?? ''),
      remoteUri: stripTag(getHeader(req, 'From') ?? ''),
      localSeq: Math.floor(Math.random() * 10_000) + 1,
      remoteSeq: parseCSeqLite(req).seq,
      remoteTarget: contact ? uriOfNameAddr(contact) : req.uri,
      routeSet: getHeaders(req, 'Record-Route'),
      localContact: contactFor(local.host, local.port, src.transport),
      flow,
    });
  }

  /** UAC dialog from our INVITE and a 1xx-with-tag or 2xx response (RFC 3261 12.1.2). */
  static fromResponse(stack: SipStack, invite: SipRequest, res: SipResponse, target: TxTarget): Dialog {
    const contact = getHeaders(res, 'Contact')[0];
    return new Dialog({
      stack,
      role: 'uac',
      callId: callIdOf(invite),
      localTag: fromTag(invite) ?? '',
      remoteTag: toTag(res) ?? '',
      localUri: stripTag(getHeader(invite, 'From') ?? ''),
      remoteUri: stripTag(getHeader(res, 'To') ?? ''),
      localSeq: parseCSeqLite(invite).seq,
      remoteSeq: 0,
      remoteTarget: contact ? uriOfNameAddr(contact) : invite.uri,
      routeSet: getHeaders(res, 'Record-Route').reverse(),
      localContact: getHeaders(invite, 'Contact')[0] ?? '',
      flow: target,
    });
  }

  /** Next hop for requests we send in this dialog. */
  nextHop(): TxTarget {
    if (this.flow) return this.flow;
    const first = this.routeSet[0];
    const u = parseUriLite(first ? uriOfNameAddr(first) : this.remoteTarget);
    const t = (u.params.get('transport') ?? 'udp').toLowerCase() as TransportKind;
    return { transport: t, host: u.host.replace(/^\[|\]$/g, ''), port: u.port ?? 5060 };
  }

  /** Build an in-dialog request (RFC 3261 12.2.1.1); ACK reuses `seq` of its INVITE. */
  createRequest(method: string, opts: RequestOptions = {}, seq?: number): SipRequest {
    let cseq = seq;
    if (cseq === undefined) {
      this.localSeq += 1;
      cseq = this.localSeq;
    }
    const headers: SipRequest['headers'] = [];
    for (const r of this.routeSet) headers.push({ name: 'Route', value: r });
    const localTagged = `${this.localUri};tag=${this.localTag}`;
    const remoteTagged = `${this.remoteUri};tag=${this.remoteTag}`;
    headers.push({ name: 'From', value: localTagged });
    headers.push({ name: 'To', value: remoteTagged });
    headers.push({ name: 'Call-ID', value: this.callId });
    headers.push({ name: 'CSeq', value: `${cseq} ${method}` });
    if (
      method === 'INVITE' ||
      method === 'UPDATE' ||
      method === 'REFER' ||
      method === 'NOTIFY' ||
      method === 'SUBSCRIBE'
    ) {
      headers.push({ name: 'Contact', value: this.localContact });
    }
    for (const h of opts.headers ?? []) headers.push(h);
    const body = opts.body ?? Buffer.alloc(0);
    if (body.length > 0) headers.push({ name: 'Content-Type', value: opts.contentType ?? 'application/sdp' });
    headers.push({ name: 'Content-Length', value: String(body.length) });
    return { type: 'request', method, uri: this.remoteTarget, version: 'SIP/2.0', headers, body };
  }

  /** Send an in-dialog request; resolves with the final response (408 synthesised on timeout). */
  request(method: string, opts: RequestOptions = {}): Promise<SipResponse> {
    const req = this.createRequest(method, opts);
    return new Promise((resolve) => {
      this.stack.sendRequest(req, this.nextHop(), {
        onResponse: (res) => {
          if (res.status < 200) return;
          if (method === 'INVITE' && res.status < 300) this.sendAck(req, res);
          if (res.status === SipStatus.CallTransactionDoesNotExist || res.status === SipStatus.RequestTimeout)
            this.terminate(`${method} ${res.status}`);
          resolve(res);
        },
        onTimeout: () => {
          const r: SipResponse = {
            type: 'response',
            status: SipStatus.RequestTimeout,
            reason: 'Request Timeout',
            version: 'SIP/2.0',
            headers: req.headers,
            body: Buffer.alloc(0),
          };
          if (method !== 'BYE') this.terminate(`${method} timeout`);
          resolve(r);
        },
      });
    });
  }

  /** ACK for a 2xx to `invite` (RFC 3261 13.2.2.4): new transaction-less request, same CSeq number. */
  sendAck(invite: SipRequest, res: SipResponse, body?: Buffer): void {
    const seq = parseCSeqLite(invite).seq;
    const contact = getHeaders(res, 'Contact')[0];
    if (contact && this.fsm.is('early', 'confirmed')) this.remoteTarget = uriOfNameAddr(contact);
    const ack = this.createRequest('ACK', body ? { body } : {}, seq);
    this.lastAck = { cseq: seq, ack };
    this.stack.sendStateless(ack, this.nextHop());
  }

  // ---- DialogEndpoint (called by the stack) ----

  onRequest(req: SipRequest, tx: NonInviteServerTransaction | InviteServerTransaction, _src: TxSource): void {
    const seq = parseCSeqLite(req).seq;
    if (seq <= this.remoteSeq && req.method !== 'ACK') {
      tx.respond(createResp(req, SipStatus.ServerInternalError, this.localTag, 'CSeq out of order'));
      return;
    }
    this.remoteSeq = seq;
    // a newer request means our 2xx arrived even if its ACK was lost: stop retransmitting it
    const pending = this.pendingInvite;
    if (pending && !pending.acked && pending !== tx && seq > parseCSeqLite(pending.request).seq) {
      pending.stopRetransmitting();
    }
    if (req.method === 'INVITE' || req.method === 'UPDATE') {
      const contact = getHeaders(req, 'Contact')[0];
      if (contact) this.remoteTarget = uriOfNameAddr(contact); // target refresh (12.2.2)
    }
    this.safeEmit('request', req, tx);
  }

  onAck(ack: SipRequest): void {
    this.pendingInvite?.receiveAck(ack);
    this.safeEmit('ack', ack);
  }

  onStray2xx(res: SipResponse): void {
    const seq = parseCSeqLite(res).seq;
    if (this.lastAck && this.lastAck.cseq === seq) this.stack.sendStateless(this.lastAck.ack, this.nextHop());
  }
}

function createResp(req: SipRequest, status: number, tag: string, reason?: string): SipResponse {
  const headers: SipResponse['headers'] = [];
  for (const h of req.headers) {
    const n = h.name.toLowerCase();
    if (['via', 'v', 'from', 'f', 'call-id', 'i', 'cseq'].includes(n))
      headers.push({ name: h.name, value: h.value });
    if (n === 'to' || n === 't')
      headers.push({ name: 'To', value: toTag(req) ? h.value : `${h.value};tag=${tag}` });
  }
  headers.push({ name: 'Content-Length', value: '0' });
  return {
    type: 'response',
    status,
    reason: reason ?? 'Error',
    version: 'SIP/2.0',
    headers,
    body: Buffer.alloc(0),
  };
}

export function stripTag(v: string): string {
  return v.replace(/;\s*tag\s*=\s*[^;\s>]+/i, '');
}

export function contactFor(host: string, port: number, transport: TransportKind): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const tp = transport === 'udp' ? '' : `;transport=${transport}`;
  return `<sip:swb@${h}:${port}${tp}>`;
}
