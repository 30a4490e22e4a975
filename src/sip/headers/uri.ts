/**
 * SIP/SIPS URI (RFC 3261 19.1, 25.1):
 *   sip:user:password@host:port;uri-parameters?headers
 * `user` and `password` are unescaped; `host` keeps IPv6 brackets; params names are lower-case.
 */
import { SwbError } from '../../kernel/errors.js';
import { type Params, parseParams, serializeParams } from './params.js';

export interface SipUri {
  scheme: 'sip' | 'sips';
  user: string | undefined;
  password: string | undefined;
  host: string;
  port: number | undefined;
  params: Params;
  /** `?` headers, raw (escaped) name=value pairs. */
  headers: Record<string, string>;
}

function fail(reason: string): never {
  throw new SwbError('SWB_SIP_PARSE', { reason });
}

const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+\-.]*):/;

/** The URI scheme, lower-cased ('sip', 'sips', 'tel', 'http', ...), or undefined when there is none. */
export function uriScheme(uri: string): string | undefined {
  const m = SCHEME_RE.exec(uri);
  return m ? m[1]!.toLowerCase() : undefined;
}

// user = 1*( unreserved / escaped / user-unreserved ); password likewise with & = + $ ,
const USER_RE = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
const PASSWORD_RE = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,]|%[0-9A-Fa-f]{2})*$/;
const IPV4_RE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const IPV6REF_RE = /^\[[0-9A-Fa-f:.]+\]$/;

export function isValidHost(host: string): boolean {
  if (IPV6REF_RE.test(host)) return isIPv6(host.slice(1, -1));
  if (IPV4_RE.test(host)) return host.split('.').every((o) => Number(o) <= 255);
  // hostname = *( domainlabel "." ) toplabel [ "." ]; labels of alphanum and inner '-';
  // the toplabel starts with a letter. Single pass, no regex.
  const n = host.length;
  if (n === 0 || n > 255) return false;
  const end = host.charCodeAt(n - 1) === 0x2e ? n - 1 : n;
  let labelStart = 0;
  let prev = 0x2e;
  for (let i = 0; i < end; i++) {
    const c = host.charCodeAt(i);
    if (c === 0x2e) {
      if (prev === 0x2e || prev === 0x2d) return false;
      labelStart = i + 1;
    } else if (c === 0x2d) {
      if (prev === 0x2e) return false;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) {
      return false;
    }
    prev = c;
  }
  if (prev === 0x2e || prev === 0x2d) return false;
  const first = host.charCodeAt(labelStart) | 0x20;
  return first >= 0x61 && first <= 0x7a;
}

export function isIPv6(s: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return false;
  const dbl = s.split('::');
  if (dbl.length > 2) return false;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const parts = [...groups(dbl[0]!), ...(dbl.length === 2 ? groups(dbl[1]!) : [])];
  let count = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (i === parts.length - 1 && p.includes('.')) {
      if (!IPV4_RE.test(p) || !p.split('.').every((o) => Number(o) <= 255)) return false;
      count += 2;
    } else {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(p)) return false;
      count += 1;
    }
  }
  return dbl.length === 2 ? count < 8 : count === 8;
}

function unescapePart(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // escapes that are not UTF-8: decode byte-wise
    return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  }
}

const USER_SAFE = /[A-Za-z0-9\-_.!~*'()&=+$,;?/]/;
const PASSWORD_SAFE = /[A-Za-z0-9\-_.!~*'()&=+$,]/;
function escapePart(s: string, safe: RegExp): string {
  let out = '';
  for (const ch of s) {
    if (safe.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Parse a sip: or sips: URI. Throws SWB_SIP_PARSE (other schemes included: check uriScheme first). */
export function parseUri(text: string): SipUri {
  const scheme = uriScheme(text);
  if (scheme !== 'sip' && scheme !== 'sips') fail(`not a SIP URI: '${text.slice(0, 60)}'`);
  let rest = text.slice(scheme.length + 1);
  if (/[\s<>"]/.test(rest)) fail('whitespace or delimiter inside URI');
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const u = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (!USER_RE.test(u)) fail('bad user part in URI');
    user = unescapePart(u);
    if (colon >= 0) {
      const p = userinfo.slice(colon + 1);
      if (!PASSWORD_RE.test(p)) fail('bad password in URI');
      password = unescapePart(p);
    }
  }
  const headers: Record<string, string> = {};
  const q = rest.indexOf('?');
  if (q >= 0) {
    for (const pair of rest.slice(q + 1).split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) fail('bad URI header');
      headers[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    rest = rest.slice(0, q);
  }
  const semi = rest.indexOf(';');
  const hostport = semi < 0 ? rest : rest.slice(0, semi);
  const params = semi < 0 ? {} : parseParams(rest.slice(semi));
  let host: string;
  let port: number | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) fail('unterminated IPv6 reference');
    host = hostport.slice(0, close + 1);
    const after = hostport.slice(close + 1);
    if (after !== '') {
      if (!/^:\d{1,5}$/.test(after)) fail('bad port in URI');
      port = Number(after.slice(1));
    }
  } else {
    const colon = hostport.indexOf(':');
    host = colon < 0 ? hostport : hostport.slice(0, colon);
    if (colon >= 0) {
      const p = hostport.slice(colon + 1);
      if (!/^\d{1,5}$/.test(p)) fail('bad port in URI');
      port = Number(p);
    }
  }
  if (!isValidHost(host)) fail(`bad host '${host.slice(0, 60)}' in URI`);
  if (port !== undefined && port > 65535) fail('port out of range');
  return { scheme, user, password, host, port, params, headers };
}

export function serializeUri(u: SipUri): string {
  let s = `${u.scheme}:`;
  if (u.user !== undefined) {
    s += escapePart(u.user, USER_SAFE);
    if (u.password !== undefined) s += `:${escapePart(u.password, PASSWORD_SAFE)}`;
    s += '@';
  }
  s += u.host;
  if (u.port !== undefined) s += `:${u.port}`;
  s += serializeParams(u.params);
  const h = Object.entries(u.headers);
  if (h.length > 0) s += `?${h.map(([k, v]) => `${k}=${v}`).join('&')}`;
  return s;
}

/** Host without IPv6 brackets (for sockets). */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
