/**
 * Digest computation (RFC 2617 3.2.2, RFC 7616 3.4.1-3.4.3, RFC 8760 for SIP):
 *   HA1 = H(username ":" realm ":" password)            (-sess: H(HA1 ":" nonce ":" cnonce))
 *   HA2 = H(method ":" uri)                              (qop=auth)
 *   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)   or  H(HA1 ":" nonce ":" HA2)
 * Pure functions; verification compares in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SwbError } from '../../kernel/errors.js';
import type { DigestCredentials } from './auth-header.js';

const HASHES: Record<string, string> = { md5: 'md5', 'sha-256': 'sha256', 'sha-512-256': 'sha512-256' };

function baseAlgorithm(algorithm: string | undefined): { hash: string; sess: boolean } {
  const a = (algorithm ?? 'MD5').toLowerCase();
  const sess = a.endsWith('-sess');
  const hash = HASHES[sess ? a.slice(0, -5) : a];
  if (!hash) throw new SwbError('SWB_SIP_DIGEST', { reason: `unsupported algorithm ${algorithm}` });
  return { hash, sess };
}

export function isSupportedAlgorithm(algorithm: string | undefined): boolean {
  try {
    baseAlgorithm(algorithm);
    return true;
  } catch {
    return false;
  }
}

function h(hash: string, s: string): string {
  return createHash(hash).update(s, 'utf8').digest('hex');
}

/** H(username:realm:password): what a user store keeps instead of the password. */
export function computeHa1(
  algorithm: string | undefined,
  username: string,
  realm: string,
  password: string,
): string {
  return h(baseAlgorithm(algorithm).hash, `${username}:${realm}:${password}`);
}

export interface DigestInput {
  algorithm?: string;
  username: string;
  realm: string;
  /** Either the password or the stored HA1 (of the non-sess algorithm). */
  password?: string;
  ha1?: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  /** Body, for qop=auth-int. */
  body?: Buffer;
}

export function computeResponse(i: DigestInput): string {
  const { hash, sess } = baseAlgorithm(i.algorithm);
  let ha1 =
    i.ha1 ?? (i.password !== undefined ? h(hash, `${i.username}:${i.realm}:${i.password}`) : undefined);
  if (ha1 === undefined) throw new SwbError('SWB_SIP_DIGEST', { reason: 'password or HA1 required' });
  if (sess) ha1 = h(hash, `${ha1}:${i.nonce}:${i.cnonce ?? ''}`);
  const qop = i.qop?.toLowerCase();
  const ha2 =
    qop === 'auth-int'
      ? h(
          hash,
          `${i.method}:${i.uri}:${createHash(hash)
            .update(i.body ?? Buffer.alloc(0))
            .digest('hex')}`,
        )
      : h(hash, `${i.method}:${i.uri}`);
  if (qop === 'auth' || qop === 'auth-int') {
    return h(hash, `${ha1}:${i.nonce}:${i.nc ?? ''}:${i.cnonce ?? ''}:${qop}:${ha2}`);
  }
  return h(hash, `${ha1}:${i.nonce}:${ha2}`);
}

/** True when the credentials' response matches the expected one for this method (constant time). */
export function verifyCredentials(
  c: DigestCredentials,
  secret: { password: string } | { ha1: string },
  method: string,
  body?: Buffer,
): boolean {
  let expected: string;
  try {
    expected = computeResponse({
      algorithm: c.algorithm,
      username: c.username,
      realm: c.realm,
      ...secret,
      method,
      uri: c.uri,
      nonce: c.nonce,
      qop: c.qop,
      nc: c.nc,
      cnonce: c.cnonce,
      body,
    });
  } catch {
    return false;
  }
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(c.response.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
