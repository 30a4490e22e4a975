/**
 * Digest authenticator for requests from users (REGISTER, INVITE, ...). Existing and unknown
 * users get exactly the same answers (401 challenge, then 403 for any wrong credential), so
 * scanners (svwar) cannot learn which extensions exist. Failures are reported to the
 * security guard, which bans a source after repeated failures.
 */
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
  nonceTtlMs?: number;
  security?: AuthFailureSink;
  now: () => number;
}

export type AuthResult =
  | { ok: true; user: SipUser; username: string; domain: string }
  | { ok: false; response: SipResponse };

export class Authenticator {
  readonly #opts: AuthenticatorOptions;
  readonly #nonces: NonceManager;

  constructor(opts: AuthenticatorOptions) {
    this.#opts = opts;
    this.#nonces = new NonceManager(opts.nonceTtlMs ?? 300_000);
  }

  get algorithms(): DigestAlgorithm[] {
    return this.#opts.algorithms ?? ['SHA-256', 'MD5'];
  }

  /** Domain (realm) the request authenticates against: From's host (To's for REGISTER). */
  static domainOf(req: SipRequest): { user: string; domain: string } {
    const hv = getHeader(req, req.method === 'REGISTER' ? 'To' : 'From') ?? '';
    const u = parseUriLite(uriOfNameAddr(hv));
    return { user: u.user ?? '', domain: u.host };
  }

  challenge(req: SipRequest, domain: string, stale: boolean, proxy = false): SipResponse {
    const nonce = this.#nonces.issue(domain, this.#opts.now());
    const name = proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate';
    const headers = this.algorithms.map((alg) => ({
      name,
      value: challengeHeader(domain, nonce, alg, stale),
    }));
    return createResponse(req, proxy ? 407 : 401, { toTag: newTag(), headers });
  }

  async authenticate(req: SipRequest, src: TxSource, proxy = false): Promise<AuthResult> {
    const { domain } = Authenticator.domainOf(req);
    const header = getHeader(req, proxy ? 'Proxy-Authorization' : 'Authorization');
    if (!header) {
      this.#opts.security?.scanHit?.(src);
      return { ok: false, response: this.challenge(req, domain, false, proxy) };
    }
    const creds = parseAuthorization(header);
    const forbidden = (): AuthResult => {
      this.#opts.security?.authFailed(src);
      return { ok: false, response: createResponse(req, 403, { toTag: newTag() }) };
    };
    if (!creds || creds.realm.toLowerCase() !== domain || !this.algorithms.includes(creds.algorithm))
      return forbidden();
    if (creds.qop !== undefined && creds.qop !== 'auth') return forbidden();
    const n = this.#nonces.check(creds.nonce, creds.realm.toLowerCase(), this.#opts.now());
    if (n === 'invalid') return { ok: false, response: this.challenge(req, domain, false, proxy) };
    const user = await this.#opts.users.lookup(domain, creds.username);
    const ha1 = user ? ha1Of(user, creds.algorithm, creds.username, domain) : undefined;
    // compute even for unknown users so timing does not reveal them
    const expected = expectedResponse(creds.algorithm, ha1 ?? '0'.repeat(64), req.method, creds);
    if (!user || !ha1 || !safeEqualHex(expected, creds.response)) return forbidden();
    if (n === 'stale') return { ok: false, response: this.challenge(req, domain, true, proxy) };
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
