/**
 * Client side of digest authentication (RFC 3261 22.2, RFC 8760): answer a 401/407 challenge
 * for a request we send, preferring SHA-256 over MD5 and qop=auth when offered. The math and
 * header syntax come from src/sip/digest.
 */
import { randomBytes } from 'node:crypto';
import {
  computeResponse,
  type DigestChallenge,
  parseChallenge,
  serializeCredentials,
} from '../digest/index.js';
import { getHeaders, type SipRequest, type SipResponse } from '../message.js';

export interface UacCredentials {
  username: string;
  password: string;
}

function pick(res: SipResponse): DigestChallenge | undefined {
  const name = res.status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
  const all: DigestChallenge[] = [];
  for (const v of getHeaders(res, name)) {
    try {
      const c = parseChallenge(v);
      if (c) all.push(c);
    } catch {
      // malformed challenge: ignore it
    }
  }
  const alg = (c: DigestChallenge) => (c.algorithm ?? 'MD5').toUpperCase();
  return all.find((c) => alg(c) === 'SHA-256') ?? all.find((c) => alg(c) === 'MD5');
}

/** The Authorization / Proxy-Authorization header answering `res` for `req`, or undefined. */
export function authorizationFor(
  req: SipRequest,
  res: SipResponse,
  creds: UacCredentials,
): { name: string; value: string } | undefined {
  const ch = pick(res);
  if (!ch) return undefined;
  const algorithm = (ch.algorithm ?? 'MD5').toUpperCase();
  const qop = ch.qop?.includes('auth') ? 'auth' : undefined;
  const cnonce = qop ? randomBytes(8).toString('hex') : undefined;
  const nc = qop ? '00000001' : undefined;
  const response = computeResponse({
    algorithm,
    username: creds.username,
    realm: ch.realm,
    password: creds.password,
    method: req.method,
    uri: req.uri,
    nonce: ch.nonce,
    ...(qop ? { qop, nc, cnonce } : {}),
  });
  const value = serializeCredentials({
    username: creds.username,
    realm: ch.realm,
    nonce: ch.nonce,
    uri: req.uri,
    response,
    algorithm,
    ...(ch.opaque !== undefined ? { opaque: ch.opaque } : {}),
    ...(qop ? { qop, nc, cnonce } : {}),
  });
  return { name: res.status === 407 ? 'Proxy-Authorization' : 'Authorization', value };
}
