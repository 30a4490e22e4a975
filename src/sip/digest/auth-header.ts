/**
 * WWW-Authenticate / Proxy-Authenticate challenges and Authorization / Proxy-Authorization
 * credentials (RFC 3261 20.7, 20.44, 25.1; RFC 7616 3.3-3.4; RFC 8760):
 *   Digest auth-param *( COMMA auth-param ),  auth-param = token EQUAL ( token / quoted-string )
 */
import { SwbError } from '../../kernel/errors.js';

export type DigestAlgorithm =
  | 'MD5'
  | 'MD5-sess'
  | 'SHA-256'
  | 'SHA-256-sess'
  | 'SHA-512-256'
  | 'SHA-512-256-sess';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  algorithm?: DigestAlgorithm | string;
  qop?: string[];
  opaque?: string;
  stale?: boolean;
  domain?: string;
}

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm?: DigestAlgorithm | string;
  cnonce?: string;
  opaque?: string;
  qop?: string;
  nc?: string;
}

function fail(reason: string): never {
  throw new SwbError('SWB_SIP_DIGEST', { reason });
}

/** Parse `Scheme a=b, c="d"`. Returns the scheme and the params (names lower-cased, values unquoted). */
export function parseAuthParams(value: string): { scheme: string; params: Record<string, string> } {
  const m = /^\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+/.exec(value);
  if (!m) fail('missing auth scheme');
  const params: Record<string, string> = {};
  let i = m[0].length;
  const s = value;
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
    if (i >= s.length) break;
    const nameStart = i;
    while (i < s.length && /[A-Za-z0-9\-.!%*_+`'~]/.test(s[i]!)) i++;
    const name = s.slice(nameStart, i).toLowerCase();
    if (name === '') fail('bad auth-param name');
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    if (s[i] !== '=') fail(`auth-param ${name} without value`);
    i++;
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    let v = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        if (i >= s.length) fail('unterminated quoted string');
        const c = s[i]!;
        if (c === '\\') {
          v += s[i + 1] ?? '';
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          v += c;
          i++;
        }
      }
    } else {
      const vs = i;
      while (i < s.length && s[i] !== ',' && s[i] !== ' ' && s[i] !== '\t') i++;
      v = s.slice(vs, i);
    }
    if (name in params) fail(`duplicate auth-param ${name}`);
    params[name] = v;
  }
  return { scheme: m[1]!, params };
}

/** Parse a Digest challenge; undefined when the scheme is not Digest. */
export function parseChallenge(value: string): DigestChallenge | undefined {
  const { scheme, params } = parseAuthParams(value);
  if (scheme.toLowerCase() !== 'digest') return undefined;
  if (params['realm'] === undefined || params['nonce'] === undefined)
    fail('challenge without realm or nonce');
  const c: DigestChallenge = { realm: params['realm'], nonce: params['nonce'] };
  if (params['algorithm'] !== undefined) c.algorithm = params['algorithm'];
  if (params['qop'] !== undefined)
    c.qop = params['qop']
      .split(',')
      .map((q) => q.trim())
      .filter(Boolean);
  if (params['opaque'] !== undefined) c.opaque = params['opaque'];
  if (params['stale'] !== undefined) c.stale = params['stale'].toLowerCase() === 'true';
  if (params['domain'] !== undefined) c.domain = params['domain'];
  return c;
}

/**
 * Parse Digest credentials; undefined when the scheme is not Digest (RFC 4475 3.3.7: an
 * unknown scheme means "no usable credentials", answered with a fresh challenge).
 */
export function parseCredentials(value: string): DigestCredentials | undefined {
  const { scheme, params } = parseAuthParams(value);
  if (scheme.toLowerCase() !== 'digest') return undefined;
  for (const k of ['username', 'realm', 'nonce', 'uri', 'response'] as const) {
    if (params[k] === undefined) fail(`credentials without ${k}`);
  }
  const c: DigestCredentials = {
    username: params['username']!,
    realm: params['realm']!,
    nonce: params['nonce']!,
    uri: params['uri']!,
    response: params['response']!,
  };
  for (const k of ['algorithm', 'cnonce', 'opaque', 'qop', 'nc'] as const) {
    if (params[k] !== undefined) c[k] = params[k];
  }
  if (c.qop !== undefined && (c.cnonce === undefined || c.nc === undefined)) fail('qop without cnonce or nc');
  if (c.nc !== undefined && !/^[0-9a-fA-F]{8}$/.test(c.nc)) fail('bad nc');
  return c;
}

const q = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;

export function serializeChallenge(c: DigestChallenge): string {
  const parts = [`realm=${q(c.realm)}`];
  if (c.domain !== undefined) parts.push(`domain=${q(c.domain)}`);
  parts.push(`nonce=${q(c.nonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${q(c.opaque)}`);
  if (c.stale !== undefined) parts.push(`stale=${c.stale ? 'TRUE' : 'FALSE'}`);
  if (c.algorithm !== undefined) parts.push(`algorithm=${c.algorithm}`);
  if (c.qop !== undefined) parts.push(`qop=${q(c.qop.join(','))}`);
  return `Digest ${parts.join(', ')}`;
}

export function serializeCredentials(c: DigestCredentials): string {
  const parts = [
    `username=${q(c.username)}`,
    `realm=${q(c.realm)}`,
    `nonce=${q(c.nonce)}`,
    `uri=${q(c.uri)}`,
    `response=${q(c.response)}`,
  ];
  if (c.algorithm !== undefined) parts.push(`algorithm=${c.algorithm}`);
  if (c.cnonce !== undefined) parts.push(`cnonce=${q(c.cnonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${q(c.opaque)}`);
  if (c.qop !== undefined) parts.push(`qop=${c.qop}`);
  if (c.nc !== undefined) parts.push(`nc=${c.nc}`);
  return `Digest ${parts.join(', ')}`;
}
