/**
 * The SIP stack: transport + transaction layer + routing to the registrar, dialogs and the
 * B2BUA (RFC 3261 8.2 UAS behaviour and 17 matching).
 *
 * Incoming requests: banned sources are dropped (security guard); retransmissions go to
 * their server transaction; CANCEL is answered 200 and handed to its INVITE (481 if none);
 * ACK goes to its INVITE transaction (non-2xx) or to the dialog (2xx); requests with a To
 * tag go to their dialog (481 when unknown); Max-Forwards 0 gets 483; unknown methods 501;
 * OPTIONS is answered here; REGISTER and new INVITEs go to the registered handlers.
 * Incoming responses go to their client transaction; 2xx retransmissions that outlive it
 * go to the dialog, which re-sends the ACK.
 */
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import {
  addHeader,
  createResponse,
  getHeader,
  getHeaders,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  setHeader,
} from './message.js';
import { InviteServerTransaction } from './transaction/invite-server.js';
import type { NonInviteServerTransaction } from './transaction/non-invite-server.js';
import { type ClientTransaction, TransactionLayer } from './transaction/transaction-layer.js';
import type { ClientTxUser, TimerValues, TransportKind, TxSource, TxTarget } from './transaction/types.js';
import { callIdOf, fromTag, newBranch, newTag, parseCSeqLite, topVia, toTag } from './transaction/util.js';

export const SUPPORTED_METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'INFO',
  'UPDATE',
  'REFER',
  'NOTIFY',
] as const;
const KNOWN_METHODS = new Set<string>([...SUPPORTED_METHODS, 'PRACK', 'SUBSCRIBE', 'MESSAGE', 'PUBLISH']);
export const ALLOW_HEADER = SUPPORTED_METHODS.join(', ');
/** Option tags we implement (Require: anything else gets 420). */
export const SUPPORTED_OPTIONS: ReadonlySet<string> = new Set(['timer']);

/** The transport layer as the stack uses it (structurally helper A's SipTransportLayer). */
export interface StackTransport {
  on(event: 'message', fn: (msg: SipMessage, src: TxSource) => void): unknown;
  send(msg: SipMessage, target: TxTarget): Promise<void>;
  listening(): TxSource[];
}

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** What a dialog registers with the stack to receive its in-dialog traffic. */
export interface DialogEndpoint {
  onRequest(req: SipRequest, tx: NonInviteServerTransaction | InviteServerTransaction, src: TxSource): void;
  onAck(ack: SipRequest): void;
  /** A 2xx to an INVITE that no transaction matched any more (retransmission): re-ACK. */
  onStray2xx(res: SipResponse): void;
}

export interface SourceGuard {
  /** False drops the request silently (banned source). */
  allow(src: TxSource, req: SipRequest): boolean;
}

export interface SipStackHandlers {
  onInvite?(req: SipRequest, tx: InviteServerTransaction, src: TxSource): void;
  onRegister?(req: SipRequest, tx: NonInviteServerTransaction, src: TxSource): void;
  /** CANCEL matched an INVITE still in Proceeding; the stack already answered 200 to the CANCEL. */
  onCancel?(invite: InviteServerTransaction, cancel: SipRequest): void;
}

export interface SipStackOptions {
  transport: StackTransport;
  clock: Clock;
  logger: Logger;
  timers?: Partial<TimerValues>;
  guard?: SourceGuard;
  /** 100 Trying for INVITEs: 'immediate' or after this many ms (default 200). */
  trying?: 'immediate' | number;
  userAgent?: string;
}

export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

export class SipStack {
  readonly transactions: TransactionLayer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly handlers: SipStackHandlers = {};
  readonly #transport: StackTransport;
  readonly #dialogs = new Map<string, DialogEndpoint>();
  readonly #opts: SipStackOptions;
  #closed = false;

  constructor(opts: SipStackOptions) {
    this.#opts = opts;
    this.#transport = opts.transport;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.transactions = new TransactionLayer({
      clock: opts.clock,
      send: (m, t) => this.#transport.send(m, t),
      timers: opts.timers,
      onSendError: (err) => this.logger.debug({ err }, 'sip send failed'),
    });
    this.#transport.on('message', (msg, src) => {
      try {
        this.receive(msg, src);
      } catch (err) {
        this.logger.warn({ err }, 'sip stack failed to handle a message');
      }
    });
  }

  get dialogCount(): number {
    return this.#dialogs.size;
  }

  registerDialog(key: string, d: DialogEndpoint): void {
    this.#dialogs.set(key, d);
  }

  unregisterDialog(key: string): void {
    this.#dialogs.delete(key);
  }

  /** Local address advertised in Via/Contact for a transport kind. */
  localAddress(kind: TransportKind = 'udp'): { host: string; port: number; transport: TransportKind } {
    const all = this.#transport.listening();
    const l = all.find((s) => s.transport === kind) ?? all[0];
    return {
      host: l?.localAddress ?? '127.0.0.1',
      port: l?.localPort ?? 5060,
      transport: l?.transport ?? kind,
    };
  }

  get userAgent(): string {
    return this.#opts.userAgent ?? 'Switchboard';
  }

  /** Entry point for every message from the transport (public for tests). */
  receive(msg: SipMessage, src: TxSource): void {
    if (this.#closed) return;
    if (msg.type === 'response') this.#receiveResponse(msg);
    else this.#receiveRequest(msg, src);
  }

  #receiveResponse(res: SipResponse): void {
    if (this.transactions.receiveResponse(res)) return;
    const cseq = parseCSeqLite(res);
    if (cseq.method === 'INVITE' && res.status >= 200 && res.status < 300) {
      const key = dialogKey(callIdOf(res), fromTag(res) ?? '', toTag(res) ?? '');
      this.#dialogs.get(key)?.onStray2xx(res);
    }
  }

  #receiveRequest(req: SipRequest, src: TxSource): void {
    if (this.#opts.guard && !this.#opts.guard.allow(src, req)) return;
    const target = responseTarget(req, src);
    if (req.method === 'ACK') {
      const tx = this.transactions.findServer(req);
      if (tx instanceof InviteServerTransaction && tx.state !== 'accepted') {
        tx.receiveAck(req);
        return;
      }
      const d = this.#dialogs.get(dialogKey(callIdOf(req), toTag(req) ?? '', fromTag(req) ?? ''));
      d?.onAck(req);
      return;
    }
    const existing = this.transactions.findServer(req);
    if (existing) {
      existing.receiveRequest(req);
      return;
    }
    if (req.method === 'CANCEL') {
      this.#receiveCancel(req, target);
      return;
    }
    const mf = getHeader(req, 'Max-Forwards');
    if (mf !== undefined && Number(mf.trim()) <= 0 && req.method !== 'OPTIONS') {
      this.#reply(req, target, 483);
      return;
    }
    if (!KNOWN_METHODS.has(req.method)) {
      this.#reply(req, target, 501, [{ name: 'Allow', value: ALLOW_HEADER }]);
      return;
    }
    // RFC 3261 8.2.2.3: option tags we do not support in Require → 420 with Unsupported
    const unsupported = getHeaders(req, 'Require').filter((t) => !SUPPORTED_OPTIONS.has(t.toLowerCase()));
    if (unsupported.length > 0 && req.method !== 'CANCEL') {
      this.#reply(req, target, 420, [{ name: 'Unsupported', value: unsupported.join(', ') }]);
      return;
    }
    const tag = toTag(req);
    if (tag !== undefined) {
      const d = this.#dialogs.get(dialogKey(callIdOf(req), tag, fromTag(req) ?? ''));
      if (!d) {
        this.#reply(req, target, 481);
        return;
      }
      const tx =
        req.method === 'INVITE'
          ? this.transactions.createInviteServer(req, target, { trying: this.#opts.trying ?? 200 })
          : this.transactions.createNonInviteServer(req, target);
      d.onRequest(req, tx, src);
      return;
    }
    switch (req.method) {
      case 'INVITE': {
        const tx = this.transactions.createInviteServer(req, target, { trying: this.#opts.trying ?? 200 });
        if (this.handlers.onInvite) this.handlers.onInvite(req, tx, src);
        else tx.respond(createResponse(req, 480));
        return;
      }
      case 'REGISTER': {
        const tx = this.transactions.createNonInviteServer(req, target);
        if (this.handlers.onRegister) this.handlers.onRegister(req, tx, src);
        else tx.respond(createResponse(req, 405, { headers: [{ name: 'Allow', value: ALLOW_HEADER }] }));
        return;
      }
      case 'OPTIONS':
        this.#reply(req, target, 200, [
          { name: 'Allow', value: ALLOW_HEADER },
          { name: 'Accept', value: 'application/sdp' },
          { name: 'Supported', value: 'timer, replaces' },
        ]);
        return;
      case 'BYE':
      case 'INFO':
      case 'UPDATE':
      case 'PRACK':
      case 'NOTIFY':
      case 'REFER':
        this.#reply(req, target, 481);
        return;
      default:
        this.#reply(req, target, 405, [{ name: 'Allow', value: ALLOW_HEADER }]);
    }
  }

  #receiveCancel(cancel: SipRequest, target: TxTarget): void {
    const invite = this.transactions.findInviteForCancel(cancel);
    if (!invite) {
      this.#reply(cancel, target, 481);
      return;
    }
    this.#reply(cancel, target, 200);
    if (invite.state === 'proceeding') {
      if (this.handlers.onCancel) this.handlers.onCancel(invite, cancel);
      else
        invite.respond(
          createResponse(invite.request, 487, { toTag: toTag(invite.lastResponse ?? cancel) ?? 'cancelled' }),
        );
    }
  }

  /** Answer a request statelessly-through-a-transaction (so retransmissions are absorbed). */
  #reply(
    req: SipRequest,
    target: TxTarget,
    status: number,
    headers: { name: string; value: string }[] = [],
  ): void {
    // an INVITE needs an INVITE server transaction even for an error (ACK, Timer G/H)
    const tx =
      req.method === 'INVITE'
        ? this.transactions.createInviteServer(req, target, { trying: 'never' })
        : this.transactions.createNonInviteServer(req, target);
    const tag = status === 100 || toTag(req) !== undefined ? undefined : newTag();
    tx.respond(
      createResponse(req, status, {
        ...(tag ? { toTag: tag } : {}),
        headers: [...headers, { name: 'Server', value: this.userAgent }],
      }),
    );
  }

  /**
   * Send a request in a new client transaction: a top Via (with a fresh branch and rport)
   * is added for the target's transport, Max-Forwards and Content-Length are filled in.
   */
  sendRequest(
    req: SipRequest,
    target: TxTarget,
    user: ClientTxUser,
    branch = newBranch(),
  ): ClientTransaction {
    this.#prepare(req, target, branch);
    return this.transactions.sendRequest(req, target, user);
  }

  /** Send outside any transaction (ACK for 2xx, RFC 3261 13.2.2.4): new branch. */
  sendStateless(req: SipRequest, target: TxTarget): void {
    if (req.type === 'request' && !topVia(req)) this.#prepare(req, target, newBranch());
    this.#transport.send(req, target).catch((err: unknown) => this.logger.debug({ err }, 'sip send failed'));
  }

  /** CANCEL for a pending INVITE client transaction (RFC 3261 9.1): same Via branch. */
  sendCancel(invite: SipRequest, target: TxTarget, user: ClientTxUser): ClientTransaction {
    const headers: SipRequest['headers'] = [];
    for (const h of invite.headers) {
      const n = h.name.toLowerCase();
      if (n === 'via' || n === 'v') {
        if (!headers.some((x) => x.name === 'Via'))
          headers.push({ name: 'Via', value: h.value.split(/,(?![^<]*>)/)[0]!.trim() });
      } else if (
        n === 'route' ||
        n === 'from' ||
        n === 'f' ||
        n === 'to' ||
        n === 't' ||
        n === 'call-id' ||
        n === 'i' ||
        n === 'max-forwards'
      ) {
        headers.push({ name: h.name, value: h.value });
      }
    }
    headers.push({ name: 'CSeq', value: `${parseCSeqLite(invite).seq} CANCEL` });
    headers.push({ name: 'Content-Length', value: '0' });
    const cancel: SipRequest = {
      type: 'request',
      method: 'CANCEL',
      uri: invite.uri,
      version: 'SIP/2.0',
      headers,
      body: Buffer.alloc(0),
    };
    return this.transactions.sendRequest(cancel, target, user);
  }

  #prepare(req: SipRequest, target: TxTarget, branch: string): void {
    const local = this.localAddress(target.transport);
    const proto = target.transport.toUpperCase();
    addHeader(
      req,
      'Via',
      `SIP/2.0/${proto} ${hostPort(local.host, local.port)};branch=${branch};rport`,
      true,
    );
    if (getHeader(req, 'Max-Forwards') === undefined) addHeader(req, 'Max-Forwards', '70');
    if (getHeader(req, 'User-Agent') === undefined) addHeader(req, 'User-Agent', this.userAgent);
    setHeader(req, 'Content-Length', String(req.body.length));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.transactions.close();
    this.#dialogs.clear();
  }
}

export function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Where responses to `req` go (RFC 3261 18.2.2 with RFC 3581 symmetric response routing). */
export function responseTarget(req: SipRequest, src: TxSource): TxTarget {
  if (src.transport !== 'udp') {
    const t: TxTarget = { transport: src.transport, host: src.remoteAddress, port: src.remotePort };
    if (src.connectionId !== undefined) t.connectionId = src.connectionId;
    return t;
  }
  const via = topVia(req);
  const symmetric = via?.params.has('rport') ?? false;
  const port = symmetric ? src.remotePort : (via?.port ?? src.remotePort);
  return { transport: 'udp', host: src.remoteAddress, port };
}

export function createSipStack(opts: SipStackOptions): SipStack {
  return new SipStack(opts);
}
