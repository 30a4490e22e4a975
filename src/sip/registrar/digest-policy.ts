/**
 * Digest algorithm choices as configured (config sip.digest, a tenant's or a SIP account's
 * `digest`): `md5` (the default: every phone answers it; Debian's baresip/libre rejects a 401
 * as soon as any challenge names an algorithm it does not know), `sha256`, or both in order of
 * preference (RFC 8760: several WWW-Authenticate headers, most preferred first).
 */
import type { DigestAlgorithm } from './digest-auth.js';

export const DIGEST_SETTINGS = ['md5', 'sha256', 'sha256+md5', 'md5+sha256'] as const;
export type DigestSetting = (typeof DIGEST_SETTINGS)[number];

export function isDigestSetting(s: unknown): s is DigestSetting {
  return typeof s === 'string' && (DIGEST_SETTINGS as readonly string[]).includes(s);
}

/** 'sha256+md5' → ['SHA-256', 'MD5']; undefined for null/unknown (inherit). */
export function digestAlgorithms(s: string | null | undefined): DigestAlgorithm[] | undefined {
  if (!isDigestSetting(s)) return undefined;
  return s.split('+').map((a) => (a === 'md5' ? 'MD5' : 'SHA-256'));
}
