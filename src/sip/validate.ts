/**
 * Request/response validation after parsing (RFC 3261 8.2, 16.3; RFC 4475 section 3).
 *
 * parseMessage() checks framing and the start line; validateRequest() checks what a UAS must
 * check before handing a request to transactions: mandatory and single-valued headers, the
 * structure of Via/From/To/Contact/CSeq/Max-Forwards, CSeq method, URI scheme, version,
 * Require, Content-Type and Accept. It returns the response the RFCs prescribe, or undefined.
 */
import { parseCSeq } from './headers/cseq.js';
import { parseNameAddr } from './headers/name-addr.js';
import { parseUri, uriScheme } from './headers/uri.js';
import { parseVia } from './headers/via.js';
import {
  canonicalKey,
  getHeader,
  getHeaders,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from './message.js';

export interface Rejection {
  status: number;
  reason: string;
  /** Extra headers for the response (Unsupported, Accept, Allow). */
  headers: SipHeader[];
}

export interface ValidateOptions {
  /** Request-URI schemes we serve; others get 416. */
  schemes?: readonly string[];
  /** Methods we implement; others get 501 with Allow. */
  methods?: readonly string[];
  /** Option tags we support; unknown Require tags get 420 with Unsupported. */
  extensions?: readonly string[];
  /** Body types we accept; other Content-Types get 415 with Accept. */
  contentTypes?: readonly string[];
  /** Body types we can answer INVITE with (checked against Accept: 406). */
  answerTypes?: readonly string[];
}

export const DEFAULT_METHODS = [
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'INFO',
  'UPDATE',
  'PRACK',
  'REFER',
  'NOTIFY',
  'SUBSCRIBE',
  'MESSAGE',
] as const;

const DEFAULTS: Required<ValidateOptions> = {
  schemes: ['sip', 'sips', 'tel'],
  methods: DEFAULT_METHODS,
  extensions: ['replaces', 'timer', 'path', 'outbound', 'norefersub', '100rel', 'gruu'],
  contentTypes: [
    'application/sdp',
    'application/dtmf-relay',
    'message/sipfrag',
    'text/plain',
    'multipart/mixed',
  ],
  answerTypes: ['application/sdp'],
};

const SINGLE = ['to', 'from', 'call-id', 'cseq', 'max-forwards', 'content-type', 'expires'] as const;
const MANDATORY = ['to', 'from', 'call-id', 'cseq', 'via'] as const;

function reject(status: number, reason: string, headers: SipHeader[] = []): Rejection {
  return { status, reason, headers };
}

function bad(reason: string): Rejection {
  return reject(400, reason);
}

function tryOk(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

const RFC1123_GMT =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function mediaType(v: string): string {
  return v.split(';')[0]!.trim().toLowerCase();
}

/** Validate a parsed request; returns the rejection to send, or undefined when it may proceed. */
export function validateRequest(req: SipRequest, opts: ValidateOptions = {}): Rejection | undefined {
  const o = { ...DEFAULTS, ...opts };
  if (req.version.toUpperCase() !== 'SIP/2.0') return reject(505, 'Version Not Supported');

  // header counts
  const counts = new Map<string, number>();
  for (const h of req.headers) {
    const k = canonicalKey(h.name);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (const k of MANDATORY) if (!counts.has(k)) return bad(`Missing ${k} header`);
  for (const k of SINGLE) if ((counts.get(k) ?? 0) > 1) return bad(`Multiple ${k} headers`);

  // structure of the headers every element reads
  const vias = getHeaders(req, 'via');
  if (vias.length === 0) return bad('Missing via header');
  for (const v of vias) {
    if (!tryOk(() => parseVia(v))) return bad('Malformed Via');
  }
  const top = parseVia(vias[0]!);
  if (top.branch === 'z9hG4bK') return bad('Via branch has the magic cookie but no identifier');
  for (const name of ['from', 'to'] as const) {
    const v = getHeader(req, name)!;
    if (!tryOk(() => checkAddress(v))) return bad(`Malformed ${name} header`);
  }
  for (const name of ['contact', 'route', 'record-route'] as const) {
    for (const v of getHeaders(req, name)) {
      if (!tryOk(() => checkAddress(v))) return bad(`Malformed ${name} header`);
    }
  }
  let cseq: ReturnType<typeof parseCSeq>;
  try {
    cseq = parseCSeq(getHeader(req, 'cseq')!);
  } catch {
    return bad('Malformed CSeq');
  }
  const mf = getHeader(req, 'max-forwards');
  if (mf !== undefined && !/^\d{1,10}$/.test(mf)) return bad('Malformed Max-Forwards');
  const callId = getHeader(req, 'call-id')!;
  if (callId === '' || /\s/.test(callId)) return bad('Malformed Call-ID');
  const date = getHeader(req, 'date');
  if (date !== undefined && !RFC1123_GMT.test(date)) return bad('Malformed Date');

  // Request-URI
  const scheme = uriScheme(req.uri);
  if (scheme === undefined) return bad('Malformed Request-URI');
  if (scheme === 'sip' || scheme === 'sips') {
    let uri: ReturnType<typeof parseUri>;
    try {
      uri = parseUri(req.uri);
    } catch {
      return bad('Malformed Request-URI');
    }
    if (Object.keys(uri.headers).length > 0) return bad('Request-URI must not contain headers');
  } else if (!o.schemes.includes(scheme)) {
    return reject(416, 'Unsupported URI Scheme');
  }

  // method
  const known = o.methods.includes(req.method);
  if (cseq.method !== req.method) {
    // RFC 4475 3.1.2.17/18: 400 for a known method, 501 preferred for an unknown one
    return known ? bad('CSeq method does not match the request method') : notImplemented(o.methods);
  }
  if (!known) return notImplemented(o.methods);

  // extensions (a UAS ignores Proxy-Require)
  if (req.method !== 'ACK' && req.method !== 'CANCEL') {
    const unsupported = getHeaders(req, 'require').filter((t) => !o.extensions.includes(t.toLowerCase()));
    if (unsupported.length > 0) {
      return reject(420, 'Bad Extension', [{ name: 'Unsupported', value: unsupported.join(', ') }]);
    }
  }

  // body type
  if (req.body.length > 0) {
    const ct = getHeader(req, 'content-type');
    if (ct === undefined || !o.contentTypes.includes(mediaType(ct))) {
      return reject(415, 'Unsupported Media Type', [{ name: 'Accept', value: o.contentTypes.join(', ') }]);
    }
  }

  // what we can answer with
  if (req.method === 'INVITE') {
    const accept = getHeaders(req, 'accept').map(mediaType);
    if (accept.length > 0 && !accept.some((a) => acceptable(a, o.answerTypes))) {
      return reject(406, 'Not Acceptable', [{ name: 'Accept', value: o.answerTypes.join(', ') }]);
    }
  }
  return undefined;
}

function acceptable(range: string, types: readonly string[]): boolean {
  if (range === '*/*') return true;
  if (range.endsWith('/*')) return types.some((t) => t.startsWith(range.slice(0, -1)));
  return types.includes(range);
}

function notImplemented(methods: readonly string[]): Rejection {
  return reject(501, 'Not Implemented', [{ name: 'Allow', value: methods.join(', ') }]);
}

/** name-addr or addr-spec whose SIP URI (when sip/sips) is well formed. */
function checkAddress(value: string): void {
  const na = parseNameAddr(value);
  if (na.uri === '*') return;
  const scheme = uriScheme(na.uri);
  if (scheme === 'sip' || scheme === 'sips') parseUri(na.uri);
}

/**
 * Validate a response before it is matched to a transaction. Invalid responses are dropped
 * (there is nobody to answer): returns the reason to drop, or undefined.
 */
export function validateResponse(res: SipResponse): string | undefined {
  if (res.version.toUpperCase() !== 'SIP/2.0') return 'unsupported version';
  if (res.status < 100 || res.status > 699) return 'status code out of range';
  const vias = getHeaders(res, 'via');
  if (vias.length === 0) return 'missing Via';
  for (const v of vias) if (!tryOk(() => parseVia(v))) return 'malformed Via';
  for (const k of ['from', 'to', 'call-id', 'cseq'] as const) {
    if (getHeaders(res, k).length !== 1) return `missing or repeated ${k}`;
  }
  if (!tryOk(() => parseCSeq(getHeader(res, 'cseq')!))) return 'malformed CSeq';
  if (!tryOk(() => checkAddress(getHeader(res, 'from')!))) return 'malformed From';
  if (!tryOk(() => checkAddress(getHeader(res, 'to')!))) return 'malformed To';
  return undefined;
}
