/**
 * Digest authentication for the registrar and INVITE (RFC 3261 22.4, RFC 7616 math, RFC 8760
 * algorithms MD5 and SHA-256, qop=auth). Nonces are stateless: a timestamp plus an HMAC over
 * it and the realm with a per-process secret, so any node can verify and expiry gives
 * `stale=true` (RFC 3261 22.4: the client retries without asking the user).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

/** Parse `Digest k=v, k="v"` (Authorization / Proxy-Authorization). */
export function parseAuthorization(value: string): DigestCredentials | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return undefined;
  const params = new Map<string, string>();
  const re = /([A-Za-z0-9_-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s,]+)/g;
  for (let r = re.exec(m[1]!); r; r = re.exec(m[1]!)) {
    params.set(r[1]!.toLowerCase(), r[3] !== undefined ? r[3].replace(/\\(.)/g, '$1') : r[2]!);
  }
  const alg = (params.get('algorithm') ?? 'MD5').toUpperCase();
  if (alg !== 'MD5' && alg !== 'SHA-256') return undefined;
  const need = ['username', 'realm', 'nonce', 'uri', 'response'];
  if (need.some((k) => !params.has(k))) return undefined;
  return {
    username: params.get('username')!,
    realm: params.get('realm')!,
    nonce: params.get('nonce')!,
    uri: params.get('uri')!,
    response: params.get('response')!.toLowerCase(),
    algorithm: alg,
    qop: params.get('qop'),
    nc: params.get('nc'),
    cnonce: params.get('cnonce'),
    opaque: params.get('opaque'),
  };
}

export function hashHex(alg: DigestAlgorithm, s: string): string {
  return createHash(alg === 'MD5' ? 'md5' : 'sha256')
    .update(s)
    .digest('hex');
}

export function computeHa1(alg: DigestAlgorithm, user: string, realm: string, password: string): string {
  return hashHex(alg, `${user}:${realm}:${password}`);
}

/** Expected `response` (RFC 7616 3.4.1) for method/uri with a stored HA1. */
export function expectedResponse(
  alg: DigestAlgorithm,
  ha1: string,
  method: string,
  c: DigestCredentials,
): string {
  const ha2 = hashHex(alg, `${method}:${c.uri}`);
  if (c.qop === 'auth') return hashHex(alg, `${ha1}:${c.nonce}:${c.nc ?? ''}:${c.cnonce ?? ''}:auth:${ha2}`);
  return hashHex(alg, `${ha1}:${c.nonce}:${ha2}`);
}

export function safeEqualHex(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export class NonceManager {
  readonly #secret: Buffer;
  readonly #ttlMs: number;

  constructor(ttlMs = 300_000, secret: Buffer = randomBytes(32)) {
    this.#ttlMs = ttlMs;
    this.#secret = secret;
  }

  issue(realm: string, now: number): string {
    const ts = now.toString(16);
    return `${ts}.${this.#mac(ts, realm)}`;
  }

  /** 'ok', 'stale' (ours but expired) or 'invalid' (not ours). */
  check(nonce: string, realm: string, now: number): 'ok' | 'stale' | 'invalid' {
    const dot = nonce.indexOf('.');
    if (dot < 0) return 'invalid';
    const ts = nonce.slice(0, dot);
    if (!safeEqualHex(nonce.slice(dot + 1), this.#mac(ts, realm))) return 'invalid';
    const issued = Number.parseInt(ts, 16);
    if (!Number.isFinite(issued) || now - issued > this.#ttlMs || issued - now > 60_000) return 'stale';
    return 'ok';
  }

  #mac(ts: string, realm: string): string {
    return createHmac('sha256', this.#secret).update(`${ts}:${realm}`).digest('base64url').slice(0, 22);
  }
}

export function challengeHeader(realm: string, nonce: string, alg: DigestAlgorithm, stale: boolean): string {
  return `Digest realm="${realm}", nonce="${nonce}", algorithm=${alg}, qop="auth"${stale ? ', stale=true' : ''}`;
}
