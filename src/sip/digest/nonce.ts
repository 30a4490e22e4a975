/**
 * Stateless nonces: base64url( timestamp(8) | random(8) | HMAC-SHA256(secret, timestamp|random|bind)[0..16) ).
 * The server checks authenticity and age without storing nonces; an authentic but old nonce
 * is "stale" (answer a new challenge with stale=true, RFC 7616 3.3). `bind` ties a nonce to
 * something of the request's flow (the registrar uses transport + source IP): a nonce checked
 * with another `bind` is 'invalid', so credentials captured on one flow are useless on another.
 * Replay on the same flow within the lifetime is stopped by tracking nc per nonce
 * (NonceCountTable in nonce-counts.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type NonceStatus = 'valid' | 'stale' | 'invalid';

function mac(secret: string | Buffer, head: Buffer, bind: string): Buffer {
  // an empty bind hashes exactly as before binding existed (nonces stay compatible)
  return createHmac('sha256', secret).update(head).update(bind, 'utf8').digest().subarray(0, 16);
}

export function createNonce(
  secret: string | Buffer,
  nowMs: number,
  random: Buffer = randomBytes(8),
  bind = '',
): string {
  const head = Buffer.alloc(16);
  head.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(nowMs))), 0);
  random.copy(head, 8, 0, 8);
  return Buffer.concat([head, mac(secret, head, bind)]).toString('base64url');
}

/** Checks a nonce made by createNonce: authentic and younger than maxAgeMs → 'valid'. */
export function checkNonce(
  nonce: string,
  secret: string | Buffer,
  nowMs: number,
  maxAgeMs: number,
  bind = '',
): NonceStatus {
  if (!/^[A-Za-z0-9_-]{43}$/.test(nonce)) return 'invalid';
  const raw = Buffer.from(nonce, 'base64url');
  if (raw.length !== 32) return 'invalid';
  const head = raw.subarray(0, 16);
  if (!timingSafeEqual(raw.subarray(16), mac(secret, head, bind))) return 'invalid';
  const issued = Number(head.readBigUInt64BE(0));
  if (issued > nowMs + 5_000) return 'invalid'; // from the future: forged clock or another secret
  return nowMs - issued > maxAgeMs ? 'stale' : 'valid';
}

/** Issue time of a nonce (ms), or undefined when malformed. Does not check authenticity. */
export function nonceTime(nonce: string): number | undefined {
  const raw = Buffer.from(nonce, 'base64url');
  return raw.length === 32 ? Number(raw.readBigUInt64BE(0)) : undefined;
}
