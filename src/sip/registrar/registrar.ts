/**
 * Registrar (RFC 3261 10.3): authenticates REGISTER, then adds, refreshes or removes the
 * bindings of the AOR in the LocationStore of the tenant that owns the AOR's domain.
 * Expires from the contact param, else the Expires header, else the default; below the
 * minimum → 423 with Min-Expires; above the maximum → capped; `Contact: *` with Expires 0
 * removes every binding. The 200 lists all current bindings with their remaining expiry.
 */

import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/logger.js';
import { createResponse, getHeader, getHeaders, type SipRequest, type SipResponse } from '../message.js';
import type { SipStack } from '../stack.js';
import { SipStatus } from '../status.js';
import type { TxSource } from '../transaction/types.js';
import {
  callIdOf,
  nameAddrParams,
  newTag,
  parseCSeqLite,
  parseUriLite,
  uriOfNameAddr,
} from '../transaction/util.js';
import type { Authenticator } from './authenticator.js';
import { logAuthFailure } from './caller-identity.js';
import type { Binding, LocationStore } from './ports.js';

export interface RegistrarOptions {
  auth: Authenticator;
  locations: LocationStore;
  clock: Clock;
  logger: Logger;
  minExpires?: number;
  maxExpires?: number;
  defaultExpires?: number;
}

export class Registrar {
  readonly #o: Required<Pick<RegistrarOptions, 'minExpires' | 'maxExpires' | 'defaultExpires'>> &
    RegistrarOptions;

  constructor(opts: RegistrarOptions) {
    this.#o = { minExpires: 60, maxExpires: 7200, defaultExpires: 3600, ...opts };
  }

  /** Attach to a stack as its REGISTER handler. */
  attach(stack: SipStack): void {
    stack.handlers.onRegister = (req, tx, src) => {
      this.handle(req, src).then(
        (res) => tx.respond(res),
        (err: unknown) => {
          this.#o.logger.warn({ err }, 'register failed');
          tx.respond(createResponse(req, SipStatus.ServerInternalError, { toTag: newTag() }));
        },
      );
    };
  }

  async handle(req: SipRequest, src: TxSource): Promise<SipResponse> {
    const auth = await this.#o.auth.authenticate(req, src);
    if (!auth.ok) {
      if (auth.reason !== 'no-credentials') logAuthFailure(this.#o.logger, 'REGISTER', src, auth.reason);
      return auth.response;
    }
    const toUri = parseUriLite(uriOfNameAddr(getHeader(req, 'To') ?? ''));
    if (toUri.user !== auth.username) return createResponse(req, 403, { toTag: newTag() });
    const aor = `sip:${toUri.user}@${toUri.host}`;
    const tenant = auth.user.tenantId;
    const now = this.#o.clock.now();
    const callId = callIdOf(req);
    const cseq = parseCSeqLite(req).seq;
    const expiresHeader = getHeader(req, 'Expires');
    const headerExpires = expiresHeader === undefined ? undefined : Number(expiresHeader.trim());
    const contacts = getHeaders(req, 'Contact');
    let bindings = await this.#o.locations.lookup(tenant, aor, now);

    if (contacts.length === 1 && contacts[0]!.trim() === '*') {
      if (headerExpires !== 0)
        return createResponse(req, 400, { toTag: newTag(), reason: 'Invalid wildcard' });
      // 10.3 step 6: a binding refreshed by a newer request of the same Call-ID survives a stale '*'
      const kept = bindings.filter((b) => b.callId === callId && b.cseq > cseq);
      await this.#o.locations.save(tenant, aor, kept);
      return this.#ok(req, kept);
    }
    const ua = getHeader(req, 'User-Agent');
    for (const c of contacts) {
      if (c.trim() === '*') return createResponse(req, 400, { toTag: newTag(), reason: 'Invalid wildcard' });
      const uri = uriOfNameAddr(c);
      const params = nameAddrParams(c);
      const pe = params.get('expires');
      let exp = pe !== undefined ? Number(pe) : (headerExpires ?? this.#o.defaultExpires);
      if (!Number.isFinite(exp) || exp < 0) exp = this.#o.defaultExpires;
      if (exp > 0 && exp < this.#o.minExpires) {
        return createResponse(req, 423, {
          toTag: newTag(),
          headers: [{ name: 'Min-Expires', value: String(this.#o.minExpires) }],
        });
      }
      exp = Math.min(exp, this.#o.maxExpires);
      const existing = bindings.find((b) => b.contact === uri);
      if (existing && existing.callId === callId && existing.cseq >= cseq) continue; // out of order (10.3 step 7)
      bindings = bindings.filter((b) => b.contact !== uri);
      if (exp === 0) continue;
      const q = params.get('q');
      const b: Binding = { contact: uri, expiresAt: now + exp * 1000, callId, cseq, source: src };
      if (q !== undefined) b.q = Number(q);
      if (ua !== undefined) b.userAgent = ua;
      bindings.push(b);
    }
    await this.#o.locations.save(tenant, aor, bindings);
    return this.#ok(req, bindings);
  }

  #ok(req: SipRequest, bindings: Binding[]): SipResponse {
    const now = this.#o.clock.now();
    const headers = bindings.map((b) => ({
      name: 'Contact',
      value: `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`,
    }));
    headers.push({ name: 'Date', value: new Date(now).toUTCString() });
    return createResponse(req, 200, { toTag: newTag(), headers });
  }
}
