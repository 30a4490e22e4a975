/**
 * Adapter from the registrar/authenticator to the digest math of src/sip/digest/ (RFC 7616,
 * RFC 8760): the server side only speaks MD5 and SHA-256 with qop=auth. Nonces are stateless
 * (timestamp + random + HMAC with a per-process secret, bound to the request's flow) so any
 * node can check them and an expired one yields `stale=true` (RFC 3261 22.4: the client retries
 * without asking the user).
 */
import { randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';
import {
  checkNonce,
  computeResponse,
  createNonce,
  computeHa1 as digestHa1,
  nonceTime,
  parseCredentials,
  serializeChallenge,
} from '../digest/index.js';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: DigestAlgorithm;
  qop: string | undefined;
  nc: string | undefined;
  cnonce: string | undefined;
  opaque: string | undefined;
}

/** Parse Digest credentials with MD5 or SHA-256; anything else (or malformed) → undefined. */
export function parseAuthorization(value: string): DigestCredentials | undefined {
  let c: ReturnType<typeof parseCredentials>;
  try {
    c = parseCredentials(value);
  } catch {
    return undefined;
  }
  if (!c) return undefined;
  const alg = (c.algorithm ?? 'MD5').toUpperCase();
  if (alg !== 'MD5' && alg !== 'SHA-256') return undefined;
  return {
    username: c.username,
    realm: c.realm,
    nonce: c.nonce,
    uri: c.uri,
    response: c.response.toLowerCase(),
    algorithm: alg,
    qop: c.qop,
    nc: c.nc,
    cnonce: c.cnonce,
    opaque: c.opaque,
  };
}

export function computeHa1(alg: DigestAlgorithm, user: string, realm: string, password: string): string {
  return digestHa1(alg, user, realm, password);
}

/** Expected `response` for method/uri with a stored HA1 (RFC 7616 3.4.1). */
export function expectedResponse(
  alg: DigestAlgorithm,
  ha1: string,
  method: string,
  c: DigestCredentials,
): string {
  return computeResponse({
    algorithm: alg,
    username: c.username,
    realm: c.realm,
    ha1,
    method,
    uri: c.uri,
    nonce: c.nonce,
    ...(c.qop !== undefined ? { qop: c.qop } : {}),
    ...(c.nc !== undefined ? { nc: c.nc } : {}),
    ...(c.cnonce !== undefined ? { cnonce: c.cnonce } : {}),
  });
}

export class NonceManager {
  readonly #secret: Buffer;
  readonly #ttlMs: number;

  constructor(ttlMs = 300_000, secret: Buffer = randomBytes(32)) {
    this.#ttlMs = ttlMs;
    this.#secret = secret;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /**
   * Random bytes for nonces, drawn 4 KiB at a time: one CSPRNG call per 512 nonces instead of
   * one per nonce (randomBytes(8) was the largest single cost of a challenge).
   */
  readonly #pool = Buffer.alloc(4096);
  #poolOff = this.#pool.length;

  /** `bind` (the flow, see Authenticator) is part of the MAC: the nonce is only good on it. */
  issue(bind: string, now: number): string {
    if (this.#poolOff + 8 > this.#pool.length) {
      randomFillSync(this.#pool);
      this.#poolOff = 0;
    }
    const random = this.#pool.subarray(this.#poolOff, this.#poolOff + 8);
    this.#poolOff += 8;
    return createNonce(this.#secret, now, random, bind);
  }

  check(nonce: string, bind: string, now: number): 'ok' | 'stale' | 'invalid' {
    const s = checkNonce(nonce, this.#secret, now, this.#ttlMs, bind);
    return s === 'valid' ? 'ok' : s;
  }

  /** When an (already checked) nonce was issued. */
  issuedAt(nonce: string): number {
    return nonceTime(nonce) ?? 0;
  }
}

export function challengeHeader(realm: string, nonce: string, alg: DigestAlgorithm, stale: boolean): string {
  return serializeChallenge({
    realm,
    nonce,
    algorithm: alg,
    qop: ['auth'],
    ...(stale ? { stale: true } : {}),
  });
}

/** Constant-time comparison of two hex digests. */
export function safeEqualHex(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
