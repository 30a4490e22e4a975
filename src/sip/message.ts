/**
 * The SIP message model shared by the whole stack (RFC 3261 section 7).
 *
 * Messages are kept close to the wire: a start line, an ordered list of headers as
 * name/value text, and the body bytes. Structured parsing of a header (URI, name-addr,
 * Via, CSeq, ...) happens only when asked, in src/sip/headers/. This keeps parsing cheap
 * and lets the serializer reproduce the received bytes exactly.
 */

/** Exact wire form of a header as received, kept only when it differs from `${name}: ${value}`. */
export interface SipHeaderWire {
  readonly name: string;
  readonly value: string;
  /** The header line(s) as received, without the final CRLF (may contain folding). */
  readonly text: string;
}

export interface SipHeader {
  /** Name as on the wire (may be compact, e.g. 'v'). */
  name: string;
  /** Unfolded raw value text (leading/trailing whitespace removed). */
  value: string;
  /**
   * Set by the parser when the header's wire text is not canonical (`Name: value`). The
   * serializer uses it only while `name` and `value` are unchanged, so editing a header
   * simply drops the exact form.
   */
  wire?: SipHeaderWire;
}

export interface SipRequest {
  type: 'request';
  method: string;
  uri: string;
  version: string;
  headers: SipHeader[];
  body: Buffer;
}

export interface SipResponse {
  type: 'response';
  status: number;
  reason: string;
  version: string;
  headers: SipHeader[];
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/** Compact form (RFC 3261 7.3.3 and extensions) → long form. */
export const COMPACT_FORMS: Readonly<Record<string, string>> = Object.freeze({
  a: 'Accept-Contact',
  b: 'Referred-By',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  n: 'Identity-Info',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
});

/** Lower-case long name → compact letter. */
const LONG_TO_COMPACT: ReadonlyMap<string, string> = new Map(
  Object.entries(COMPACT_FORMS).map(([k, v]) => [v.toLowerCase(), k]),
);

/**
 * Headers whose grammar is a comma-separated list (`header = name HCOLON elem *(COMMA elem)`),
 * so several values may share one line. Authorization-style headers and Date are NOT lists
 * (they contain commas inside one value).
 */
const LIST_HEADERS: ReadonlySet<string> = new Set([
  'via',
  'contact',
  'route',
  'record-route',
  'path',
  'service-route',
  'allow',
  'allow-events',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-encoding',
  'content-language',
  'in-reply-to',
  'alert-info',
  'call-info',
  'error-info',
  'warning',
  'reason',
  'p-asserted-identity',
  'p-preferred-identity',
  'history-info',
  'security-client',
  'security-server',
  'security-verify',
  'accept-contact',
  'reject-contact',
  'request-disposition',
]);

/** Lower-case long form of a header name (expands compact forms). */
export function canonicalKey(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) {
    const long = COMPACT_FORMS[lower];
    if (long !== undefined) return long.toLowerCase();
  }
  return lower;
}

/** True when a wire name matches a canonical key (from canonicalKey), without allocating in the common case. */
function keyMatches(wireName: string, key: string): boolean {
  if (wireName.length === 1) return canonicalKey(wireName) === key;
  return wireName.length === key.length && (wireName === key || wireName.toLowerCase() === key);
}

/** True when `wireName` (as on the wire, any case, maybe compact) names the header `name`. */
export function headerNameMatches(wireName: string, name: string): boolean {
  if (wireName.length === name.length && wireName.toLowerCase() === name.toLowerCase()) return true;
  return canonicalKey(wireName) === canonicalKey(name);
}

/** Compact letter for a header name, or undefined. */
export function compactFormOf(name: string): string | undefined {
  return LONG_TO_COMPACT.get(canonicalKey(name));
}

export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(canonicalKey(name));
}

/** First value of the header (first header line; for list headers, the whole first line). */
export function getHeader(m: SipMessage, name: string): string | undefined {
  const key = canonicalKey(name);
  for (const h of m.headers) {
    if (h.name === name || keyMatches(h.name, key)) return h.value;
  }
  return undefined;
}

/** All values in order; list headers are split at top-level commas (respecting quotes and <>). */
export function getHeaders(m: SipMessage, name: string): string[] {
  const key = canonicalKey(name);
  const list = LIST_HEADERS.has(key);
  const out: string[] = [];
  for (const h of m.headers) {
    if (h.name !== name && !keyMatches(h.name, key)) continue;
    if (list) {
      for (const v of splitList(h.value)) out.push(v);
    } else {
      out.push(h.value);
    }
  }
  return out;
}

/** Replace every header of that name by one header (placed where the first one was, else appended). */
export function setHeader(m: SipMessage, name: string, value: string): void {
  const key = canonicalKey(name);
  let at = -1;
  const kept: SipHeader[] = [];
  for (const h of m.headers) {
    if (canonicalKey(h.name) === key) {
      if (at < 0) at = kept.length;
      continue;
    }
    kept.push(h);
  }
  const nh: SipHeader = { name, value };
  if (at < 0) kept.push(nh);
  else kept.splice(at, 0, nh);
  m.headers = kept;
}

/**
 * Add a header. With `first`, it is placed before the first header of the same name
 * (e.g. a new top Via), or at the very top when there is none.
 */
export function addHeader(m: SipMessage, name: string, value: string, first = false): void {
  const nh: SipHeader = { name, value };
  if (!first) {
    m.headers.push(nh);
    return;
  }
  const key = canonicalKey(name);
  const idx = m.headers.findIndex((h) => canonicalKey(h.name) === key);
  m.headers.splice(Math.max(idx, 0), 0, nh);
}

export function removeHeader(m: SipMessage, name: string): void {
  const key = canonicalKey(name);
  m.headers = m.headers.filter((h) => canonicalKey(h.name) !== key);
}

/**
 * Remove the first value of a (list) header, e.g. the top Via or the first Route entry:
 * when the first line carries several comma-separated values only the first is dropped.
 * Returns the removed value.
 */
export function shiftHeaderValue(m: SipMessage, name: string): string | undefined {
  const key = canonicalKey(name);
  const idx = m.headers.findIndex((h) => canonicalKey(h.name) === key);
  if (idx < 0) return undefined;
  const h = m.headers[idx]!;
  const parts = splitList(h.value);
  const firstValue = parts.shift();
  if (parts.length === 0) m.headers.splice(idx, 1);
  else m.headers[idx] = { name: h.name, value: parts.join(', ') };
  return firstValue;
}

/**
 * Split a header value at top-level commas: commas inside double quotes (with backslash
 * escapes) and inside <...> are not separators. Empty elements are dropped; each element is trimmed.
 */
export function splitList(value: string): string[] {
  if (value.indexOf(',') < 0) {
    const t = value.trim();
    return t === '' ? [] : [t];
  }
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
    } else if (c === 0x22) inQuote = true;
    else if (c === 0x3c) inAngle = true;
    else if (c === 0x3e) inAngle = false;
    else if (c === 0x2c && !inAngle) {
      const t = value.slice(start, i).trim();
      if (t !== '') out.push(t);
      start = i + 1;
    }
  }
  const t = value.slice(start).trim();
  if (t !== '') out.push(t);
  return out;
}

/** Standard reason phrases (RFC 3261 21 and common extensions). */
export const REASON_PHRASES: Readonly<Record<number, string>> = Object.freeze({
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  199: 'Early Dialog Terminated',
  200: 'OK',
  202: 'Accepted',
  204: 'No Notification',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  305: 'Use Proxy',
  380: 'Alternative Service',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  412: 'Conditional Request Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  417: 'Unknown Resource-Priority',
  420: 'Bad Extension',
  421: 'Extension Required',
  422: 'Session Interval Too Small',
  423: 'Interval Too Brief',
  429: 'Provide Referrer Identity',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  485: 'Ambiguous',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  489: 'Bad Event',
  491: 'Request Pending',
  493: 'Undecipherable',
  494: 'Security Agreement Required',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  580: 'Precondition Failure',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
});

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? (status < 200 ? 'Progress' : status < 300 ? 'OK' : 'Error');
}

const EMPTY_BODY = Buffer.alloc(0);

/**
 * Build a response to `req` per RFC 3261 8.2.6.2: Via (all values, in order), From, To,
 * Call-ID and CSeq are copied; Content-Length is set from the body. A `toTag` is appended to
 * To when given and To has no tag yet. `extra` headers are appended before Content-Length.
 */
export function createResponse(
  req: SipRequest,
  status: number,
  opts: { reason?: string; toTag?: string; headers?: SipHeader[]; body?: Buffer } = {},
): SipResponse {
  const headers: SipHeader[] = [];
  for (const h of req.headers) {
    const key = canonicalKey(h.name);
    if (key === 'via' || key === 'from' || key === 'call-id' || key === 'cseq') {
      headers.push({ name: longName(h.name), value: h.value });
    } else if (key === 'to') {
      let value = h.value;
      if (opts.toTag !== undefined && !/;\s*tag\s*=/i.test(value)) value = `${value};tag=${opts.toTag}`;
      headers.push({ name: 'To', value });
    }
  }
  if (opts.headers) for (const h of opts.headers) headers.push({ name: h.name, value: h.value });
  const body = opts.body ?? EMPTY_BODY;
  headers.push({ name: 'Content-Length', value: String(body.length) });
  return {
    type: 'response',
    status,
    reason: opts.reason ?? reasonPhrase(status),
    version: 'SIP/2.0',
    headers,
    body,
  };
}

const CANONICAL_CASE: Readonly<Record<string, string>> = {
  via: 'Via',
  from: 'From',
  to: 'To',
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  contact: 'Contact',
  'content-length': 'Content-Length',
  'content-type': 'Content-Type',
  'www-authenticate': 'WWW-Authenticate',
  'max-forwards': 'Max-Forwards',
};

/** Long, conventionally-cased name for a header (expands compact forms). */
export function longName(name: string): string {
  const key = canonicalKey(name);
  const known = CANONICAL_CASE[key];
  if (known) return known;
  if (name.length === 1) {
    const long = COMPACT_FORMS[name.toLowerCase()];
    if (long) return long;
  }
  return name;
}
