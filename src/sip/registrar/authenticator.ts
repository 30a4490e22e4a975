/**
 * Digest authenticator for requests from users (REGISTER, INVITE, ...). Existing and unknown
 * users get exactly the same answers (401 challenge, then 403 for any wrong credential), so
 * scanners (svwar) cannot learn which extensions exist. Failures are reported to the
 * security guard, which bans a source after repeated failures.
 *
 * Replay protection (a header captured on one request must authorise nothing else):
 * - the credentials' `uri` must name the Request-URI (digestUriAcceptable; RFC 3261 22.4; a
 *   REGISTER may name the registrar by any user-less URI);
 * - nonces are bound to the flow they were issued on: transport + source IP. Not the port: a
 *   phone behind NAT on UDP gets a new public port whenever its binding times out, and must not
 *   be sent round the challenge loop for that. A nonce used on another flow is unknown (a fresh
 *   401, as for a nonce of a previous process);
 * - nonces live `nonceTtlMs` (default 60 s); an expired one is re-challenged with stale=true;
 * - per nonce, nc must strictly increase, and a nonce without qop is good once
 *   (NonceCountTable); a repeat is re-challenged with stale=true, so an honest client that
 *   reuses a nonce just gets a new one.
 */

import { digestUriAcceptable, NonceCountTable } from '../digest/index.js';
import { createResponse, getHeader, type SipRequest, type SipResponse } from '../message.js';
import type { TxSource } from '../transaction/types.js';
import { newTag, parseUriLite, uriOfNameAddr } from '../transaction/util.js';
import {
  challengeHeader,
  computeHa1,
  type DigestAlgorithm,
  expectedResponse,
  NonceManager,
  parseAuthorization,
  safeEqualHex,
} from './digest-auth.js';
import type { SipUser, SipUserDirectory } from './ports.js';

export interface AuthFailureSink {
  authFailed(src: TxSource): void;
  authSucceeded?(src: TxSource): void;
  /** A request without usable credentials was challenged (counts towards scan detection). */
  scanHit?(src: TxSource): void;
}

export interface AuthenticatorOptions {
  users: SipUserDirectory;
  /** Challenge algorithms in order of preference (RFC 8760: SHA-256 first). */
  algorithms?: DigestAlgorithm[];
  /** Nonce lifetime (default 60 s): the window in which a nonce may be answered and reused. */
  nonceTtlMs?: number;
  /** Nonces tracked for nc at once (default 100,000; ~12 MB at worst). */
  maxTrackedNonces?: number;
  security?: AuthFailureSink;
  now: () => number;
}

/**
 * Why a request was not authenticated (stable strings for logs and tests; never sent to the
 * peer, which sees only 401/403 so that unknown and known users look alike).
 */
export type AuthFailure =
  | 'no-credentials'
  | 'malformed-credentials'
  | 'realm-mismatch'
  | 'algorithm-not-offered'
  | 'uri-mismatch'
  | 'nonce-unknown'
  | 'nonce-stale'
  | 'nc-replay'
  | 'bad-response';

export type AuthResult =
  | { ok: true; user: SipUser; username: string; domain: string }
  | { ok: false; response: SipResponse; reason: AuthFailure };

const SUPPORTED: readonly DigestAlgorithm[] = ['MD5', 'SHA-256'];

export class Authenticator {
  readonly #opts: AuthenticatorOptions;
  readonly #nonces: NonceManager;
  readonly #counts: NonceCountTable;

  constructor(opts: AuthenticatorOptions) {
    this.#opts = opts;
    this.#nonces = new NonceManager(opts.nonceTtlMs ?? 60_000);
    this.#counts = new NonceCountTable({
      ttlMs: this.#nonces.ttlMs,
      maxEntries: opts.maxTrackedNonces ?? 100_000,
      now: opts.now,
    });
  }

  /** The service default (config sip.digest); users and tenants may choose otherwise. */
  get algorithms(): DigestAlgorithm[] {
    return this.#opts.algorithms ?? ['MD5'];
  }

  /** The nc table (size and evictions, for metrics and tests). */
  get nonceCounts(): NonceCountTable {
    return this.#counts;
  }

  /** What a nonce is bound to: transport and source IP (see the header comment for why no port). */
  static flowOf(src: TxSource): string {
    return `${src.transport}|${src.remoteAddress}`;
  }

  /** Domain (realm) the request authenticates against: From's host (To's for REGISTER). */
  static domainOf(req: SipRequest): { user: string; domain: string } {
    const hv = getHeader(req, req.method === 'REGISTER' ? 'To' : 'From') ?? '';
    const u = parseUriLite(uriOfNameAddr(hv));
    return { user: u.user ?? '', domain: u.host };
  }

  /** A 401/407 with one challenge per algorithm, for the flow of `src`. */
  challenge(
    req: SipRequest,
    domain: string,
    stale: boolean,
    proxy = false,
    src?: TxSource,
    algorithms: DigestAlgorithm[] = this.algorithms,
  ): SipResponse {
    const nonce = this.#nonces.issue(src ? Authenticator.flowOf(src) : '', this.#opts.now());
    const name = proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate';
    const headers = algorithms.map((alg) => ({
      name,
      value: challengeHeader(domain, nonce, alg, stale),
    }));
    return createResponse(req, proxy ? 407 : 401, { toTag: newTag(), headers });
  }

  /** A challenge with the algorithms for `claimed`: the same lookup whether or not it exists. */
  #challengeFor(
    req: SipRequest,
    src: TxSource,
    domain: string,
    claimed: string,
    stale: boolean,
    reason: AuthFailure,
    proxy: boolean,
  ): AuthResult | Promise<AuthResult> {
    const make = (algs: DigestAlgorithm[] | undefined): AuthResult => ({
      ok: false,
      reason,
      response: this.challenge(req, domain, stale, proxy, src, algs ?? this.algorithms),
    });
    const found = this.#opts.users.challengeAlgorithms?.(domain, claimed);
    // a synchronous directory (in memory) costs no extra turn of the event loop
    return found instanceof Promise ? found.then(make) : make(found);
  }

  async authenticate(req: SipRequest, src: TxSource, proxy = false): Promise<AuthResult> {
    const { domain, user: claimed } = Authenticator.domainOf(req);
    const header = getHeader(req, proxy ? 'Proxy-Authorization' : 'Authorization');
    const challenge = (stale: boolean, reason: AuthFailure) =>
      this.#challengeFor(req, src, domain, claimed, stale, reason, proxy);
    if (!header) {
      this.#opts.security?.scanHit?.(src);
      return challenge(false, 'no-credentials');
    }
    const creds = parseAuthorization(header);
    const forbidden = (reason: AuthFailure): AuthResult => {
      this.#opts.security?.authFailed(src);
      return { ok: false, reason, response: createResponse(req, 403, { toTag: newTag() }) };
    };
    if (!creds || (creds.qop !== undefined && creds.qop !== 'auth'))
      return forbidden('malformed-credentials');
    if (creds.realm.toLowerCase() !== domain) return forbidden('realm-mismatch');
    if (!SUPPORTED.includes(creds.algorithm)) return forbidden('algorithm-not-offered');
    // a response computed for another Request-URI authorises nothing here (RFC 3261 22.4)
    if (!digestUriAcceptable(req.method, creds.uri, req.uri)) return forbidden('uri-mismatch');
    const now = this.#opts.now();
    const n = this.#nonces.check(creds.nonce, Authenticator.flowOf(src), now);
    if (n === 'invalid') return challenge(false, 'nonce-unknown');
    const user = await this.#opts.users.lookup(domain, creds.username);
    const ha1 = user ? ha1Of(user, creds.algorithm, creds.username, domain) : undefined;
    // compute even for unknown users so timing does not reveal them
    const expected = expectedResponse(creds.algorithm, ha1 ?? '0'.repeat(64), req.method, creds);
    const match = safeEqualHex(expected, creds.response);
    const allowed = (user?.algorithms ?? this.algorithms).includes(creds.algorithm);
    if (!user || !ha1 || !match) return forbidden('bad-response');
    // an algorithm this user is not challenged with (a downgrade to MD5): same answer as above
    if (!allowed) return forbidden('algorithm-not-offered');
    if (n === 'stale') return challenge(true, 'nonce-stale');
    // counted only now, after the response checked out: forged requests cannot burn a nonce
    const nc = creds.nc === undefined ? undefined : Number.parseInt(creds.nc, 16);
    if (this.#counts.use(creds.nonce, this.#nonces.issuedAt(creds.nonce), nc) === 'replay') {
      return challenge(true, 'nc-replay');
    }
    this.#opts.security?.authSucceeded?.(src);
    return { ok: true, user, username: creds.username, domain };
  }
}

function ha1Of(u: SipUser, alg: DigestAlgorithm, username: string, realm: string): string | undefined {
  if (alg === 'MD5' && u.ha1Md5) return u.ha1Md5;
  if (alg === 'SHA-256' && u.ha1Sha256) return u.ha1Sha256;
  if (u.password !== undefined) {
    return computeHa1(alg, username, realm, u.password);
  }
  return undefined;
}
