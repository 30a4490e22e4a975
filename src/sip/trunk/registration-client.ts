/**
 * Outbound registration of a trunk with its carrier (RFC 3261 10.2, digest RFC 2617/7616/8760):
 * REGISTER, answer a 401/407 challenge once per attempt, refresh before the granted expiry,
 * follow 423 Min-Expires, and retry failures with exponential backoff. Built on the stack's
 * public API (sendRequest + the digest module); every timer is on the injected clock.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import { TypedEmitter } from '../../kernel/events.js';
import type { Logger } from '../../kernel/logger.js';
import {
  computeResponse,
  type DigestChallenge,
  isSupportedAlgorithm,
  parseChallenge,
  serializeCredentials,
} from '../digest/index.js';
import { getHeader, getHeaders, type SipRequest, type SipResponse, splitList } from '../message.js';
import type { SipStack } from '../stack.js';
import type { TxTarget } from '../transaction/types.js';
import { nameAddrParams, newCallId, newTag } from '../transaction/util.js';

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed';

export interface RegistrationStatus {
  state: RegistrationState;
  /** Last final response code (408 for a timeout, 503 for a transport error). */
  lastCode: number | null;
  lastError: string | null;
  /** Epoch ms when the binding expires at the carrier. */
  expiresAt: number | null;
  updatedAt: number;
}

export interface RegistrationConfig {
  /** For logs and status (the trunk id). */
  id: string;
  registrar: TxTarget;
  /** Domain of the AOR and Request-URI (the trunk's fromDomain, else its host). */
  domain: string;
  username: string;
  password: string;
  /** Requested expiry in seconds. */
  expires: number;
}

export interface RegistrationClientOptions {
  stack: Pick<SipStack, 'sendRequest' | 'localAddress'>;
  clock: Clock;
  logger: Logger;
  config: RegistrationConfig;
  /** First retry after a failure (default 30 s), doubling up to maxRetryMs (default 10 min). */
  retryMs?: number;
  maxRetryMs?: number;
}

export type RegistrationEvents = { status: [s: RegistrationStatus] };

/** When to refresh a binding granted for `expires` seconds: 30 s early, but not before half-time. */
export function refreshDelayMs(expires: number): number {
  return Math.max(expires * 500, (expires - 30) * 1000);
}

export class RegistrationClient extends TypedEmitter<RegistrationEvents> {
  readonly #o: RegistrationClientOptions;
  readonly #callId: string;
  readonly #tag = newTag();
  #cseq = 0;
  #expires: number;
  #timer: TimerHandle | undefined;
  #failures = 0;
  #stopped = false;
  #status: RegistrationStatus;

  constructor(o: RegistrationClientOptions) {
    super();
    this.#o = o;
    this.#expires = o.config.expires;
    this.#callId = newCallId(o.stack.localAddress(o.config.registrar.transport).host);
    this.#status = {
      state: 'unregistered',
      lastCode: null,
      lastError: null,
      expiresAt: null,
      updatedAt: o.clock.now(),
    };
  }

  get status(): RegistrationStatus {
    return this.#status;
  }

  start(): void {
    if (this.#stopped) return;
    this.#attempt(this.#expires);
  }

  /** Stops refreshing; unregisters (Expires: 0) when registered. Resolves when that is answered. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#o.clock.clearTimer(this.#timer);
    if (this.#status.state !== 'registered') return;
    await new Promise<void>((resolve) => this.#send(0, undefined, 0, () => resolve()));
    this.#set({ state: 'unregistered', expiresAt: null });
  }

  #set(p: Partial<RegistrationStatus>): void {
    this.#status = { ...this.#status, ...p, updatedAt: this.#o.clock.now() };
    this.safeEmit('status', this.#status);
  }

  #attempt(expires: number): void {
    this.#set({ state: 'registering' });
    this.#send(expires, undefined, 0, (res, err) => this.#onFinal(expires, res, err));
  }

  #contact(): string {
    const l = this.#o.stack.localAddress(this.#o.config.registrar.transport);
    const host = l.host.includes(':') ? `[${l.host}]` : l.host;
    const tp = l.transport === 'udp' ? '' : `;transport=${l.transport}`;
    return `<sip:${this.#o.config.username}@${host}:${l.port}${tp}>`;
  }

  /**
   * Sends one REGISTER; on a 401/407 answers the challenge once (a second challenge for the same
   * attempt means the credentials are wrong unless it says stale=true).
   */
  #send(
    expires: number,
    auth: { name: string; value: string } | undefined,
    challenges: number,
    done: (res: SipResponse | undefined, err?: string) => void,
  ): void {
    const c = this.#o.config;
    const aor = `sip:${c.username}@${c.domain}`;
    const uri = `sip:${c.domain}`;
    const req: SipRequest = {
      type: 'request',
      method: 'REGISTER',
      uri,
      version: 'SIP/2.0',
      headers: [
        { name: 'From', value: `<${aor}>;tag=${this.#tag}` },
        { name: 'To', value: `<${aor}>` },
        { name: 'Call-ID', value: this.#callId },
        { name: 'CSeq', value: `${++this.#cseq} REGISTER` },
        { name: 'Contact', value: this.#contact() },
        { name: 'Expires', value: String(expires) },
        ...(auth ? [auth] : []),
      ],
      body: Buffer.alloc(0),
    };
    let final = false; // one outcome per transaction, whatever the layer reports afterwards
    this.#o.stack.sendRequest(req, c.registrar, {
      onResponse: (res) => {
        if (res.status < 200 || final) return;
        final = true;
        if (res.status === 401 || res.status === 407) {
          const answer = this.#answer(res, uri);
          if (answer && (challenges === 0 || answer.stale)) {
            this.#send(expires, answer.header, challenges + 1, done);
            return;
          }
          done(res, answer ? 'credentials rejected' : 'no usable digest challenge');
          return;
        }
        done(res);
      },
      onTimeout: (reason) => {
        if (final) return;
        final = true;
        done(undefined, reason === 'timeout' ? 'no answer from the registrar' : 'transport error');
      },
    });
  }

  #answer(
    res: SipResponse,
    uri: string,
  ): { header: { name: string; value: string }; stale: boolean } | undefined {
    const proxy = res.status === 407;
    const values = getHeaders(res, proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate');
    let ch: DigestChallenge | undefined;
    for (const v of values) {
      try {
        const parsed = parseChallenge(v);
        if (parsed && isSupportedAlgorithm(parsed.algorithm)) {
          ch = parsed;
          break;
        }
      } catch {
        // a malformed challenge: try the next one
      }
    }
    if (!ch) return undefined;
    const c = this.#o.config;
    const qop = ch.qop?.includes('auth') ? 'auth' : undefined;
    const cnonce = qop ? randomBytes(8).toString('hex') : undefined;
    const nc = qop ? '00000001' : undefined;
    const response = computeResponse({
      ...(ch.algorithm !== undefined ? { algorithm: ch.algorithm } : {}),
      username: c.username,
      realm: ch.realm,
      password: c.password,
      method: 'REGISTER',
      uri,
      nonce: ch.nonce,
      ...(qop ? { qop, nc, cnonce } : {}),
    });
    const value = serializeCredentials({
      username: c.username,
      realm: ch.realm,
      nonce: ch.nonce,
      uri,
      response,
      ...(ch.algorithm !== undefined ? { algorithm: ch.algorithm } : {}),
      ...(ch.opaque !== undefined ? { opaque: ch.opaque } : {}),
      ...(qop ? { qop, nc: nc!, cnonce: cnonce! } : {}),
    });
    return {
      header: { name: proxy ? 'Proxy-Authorization' : 'Authorization', value },
      stale: ch.stale === true,
    };
  }

  /** Expiry the registrar granted: our Contact's expires param, else Expires, else what we asked. */
  #granted(res: SipResponse, asked: number): number {
    const mine = this.#contact().slice(1, -1).toLowerCase();
    for (const h of getHeaders(res, 'Contact')) {
      for (const part of splitList(h)) {
        const m = /<([^>]*)>/.exec(part);
        if (m && m[1]!.toLowerCase() === mine) {
          const e = Number(nameAddrParams(part).get('expires'));
          if (Number.isFinite(e) && e > 0) return e;
        }
      }
    }
    const e = Number(getHeader(res, 'Expires'));
    return Number.isFinite(e) && e > 0 ? e : asked;
  }

  #onFinal(asked: number, res: SipResponse | undefined, err?: string): void {
    if (this.#stopped) return;
    const { clock, logger, config } = this.#o;
    if (res && res.status >= 200 && res.status < 300 && !err) {
      const granted = this.#granted(res, asked);
      this.#failures = 0;
      this.#set({
        state: 'registered',
        lastCode: res.status,
        lastError: null,
        expiresAt: clock.now() + granted * 1000,
      });
      this.#timer = clock.setTimer(refreshDelayMs(granted), () => this.#attempt(this.#expires));
      return;
    }
    if (res?.status === 423) {
      const min = Number(getHeader(res, 'Min-Expires'));
      if (Number.isFinite(min) && min > asked && min <= 86_400) {
        this.#expires = min;
        this.#attempt(min);
        return;
      }
    }
    this.#failures++;
    const delay = Math.min(
      (this.#o.retryMs ?? 30_000) * 2 ** (this.#failures - 1),
      this.#o.maxRetryMs ?? 600_000,
    );
    const code = res?.status ?? (err === 'transport error' ? 503 : 408);
    const reason = err ?? `${res!.status} ${res!.reason}`;
    logger.warn({ trunkId: config.id, code, reason, retryInMs: delay }, 'trunk registration failed');
    this.#set({ state: 'failed', lastCode: code, lastError: reason.slice(0, 300), expiresAt: null });
    this.#timer = clock.setTimer(delay, () => this.#attempt(this.#expires));
  }
}
