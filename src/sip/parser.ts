/**
 * SIP message parser (RFC 3261 section 7 and 25, as seen on the wire).
 *
 *   start-line CRLF *( message-header ) CRLF [ message-body ]
 *
 * The parser reads the start line and splits headers into name/value text (unfolding
 * continuation lines); structured parsing of individual headers is lazy (src/sip/headers/).
 * Anything outside the grammar throws SwbError('SWB_SIP_PARSE', { reason }).
 */
import { SwbError } from '../kernel/errors.js';
import type { SipHeader, SipMessage } from './message.js';

export { serializeMessage } from './serializer.js';

/** Parse limits: a message bigger than this is rejected before parsing (see transport max size). */
export const MAX_HEADERS = 256;

export interface ParseOptions {
  /**
   * Datagram semantics (default): a missing Content-Length means the body is the rest of the
   * buffer. With `stream: true` Content-Length is mandatory (RFC 3261 18.3).
   */
  stream?: boolean;
}

function fail(reason: string): never {
  throw new SwbError('SWB_SIP_PARSE', { reason });
}

// token chars: alphanum and - . ! % * _ + ` ' ~
const TOKEN = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") {
  TOKEN[c.charCodeAt(0)] = 1;
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) return false;
  }
  return true;
}

const VERSION_RE = /^SIP\/\d+\.\d+$/i;
const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Index just past the header block's blank line, or -1 when the headers are not complete. */
export function findHeaderEnd(buf: Buffer, from = 0): number {
  const i = buf.indexOf(CRLFCRLF, from);
  return i < 0 ? -1 : i + 4;
}

/** Parse one complete SIP message from `buf`. */
export function parseMessage(buf: Buffer, opts: ParseOptions = {}): SipMessage {
  let start = 0;
  // RFC 3261 7.5: ignore CRLFs preceding the start line.
  while (start + 1 < buf.length && buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  const headEnd = findHeaderEnd(buf, start);
  if (headEnd < 0) fail('no empty line after headers');
  const head = buf.toString('utf8', start, headEnd - 4);
  if (head.indexOf('\uFFFD') >= 0 && !Buffer.from(head, 'utf8').equals(buf.subarray(start, headEnd - 4))) {
    fail('header section is not valid UTF-8');
  }

  let lineEnd = head.indexOf('\r\n');
  if (lineEnd < 0) lineEnd = head.length;
  const startLine = head.slice(0, lineEnd);
  const headers = parseHeaderBlock(head, lineEnd === head.length ? head.length : lineEnd + 2);

  // Content-Length framing
  let contentLength = -1;
  for (const h of headers) {
    const n = h.name;
    if (n.length === 1 ? n === 'l' || n === 'L' : n.length === 14 && n.toLowerCase() === 'content-length') {
      if (!/^\d{1,10}$/.test(h.value)) fail('invalid Content-Length');
      const v = Number(h.value);
      if (contentLength >= 0 && v !== contentLength) fail('conflicting Content-Length headers');
      contentLength = v;
    }
  }
  const available = buf.length - headEnd;
  let body: Buffer;
  if (contentLength < 0) {
    if (opts.stream) fail('missing Content-Length on a stream transport');
    body = buf.subarray(headEnd);
  } else {
    if (contentLength > available) fail('Content-Length larger than the message body');
    body = buf.subarray(headEnd, headEnd + contentLength);
  }

  if (startLine.startsWith('SIP/') || startLine.startsWith('sip/')) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    const sp1 = startLine.indexOf(' ');
    if (sp1 < 0) fail('bad status line');
    const version = startLine.slice(0, sp1);
    if (!VERSION_RE.test(version)) fail('bad SIP version');
    const code = startLine.slice(sp1 + 1, sp1 + 4);
    if (!/^[1-9]\d\d$/.test(code)) fail('bad status code');
    const after = startLine.charCodeAt(sp1 + 4);
    if (startLine.length > sp1 + 4 && after !== 0x20) fail('bad status line');
    if (hasCtl(startLine)) fail('control character in status line');
    return {
      type: 'response',
      status: Number(code),
      reason: startLine.slice(sp1 + 5),
      version,
      headers,
      body,
    };
  }

  // Request-Line = Method SP Request-URI SP SIP-Version
  const sp1 = startLine.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : startLine.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 < 0) fail('bad request line');
  if (startLine.indexOf(' ', sp2 + 1) >= 0) fail('bad request line');
  const method = startLine.slice(0, sp1);
  const uri = startLine.slice(sp1 + 1, sp2);
  const version = startLine.slice(sp2 + 1);
  if (!isToken(method)) fail('bad method');
  if (uri.length === 0 || hasCtl(uri) || uri.indexOf('\t') >= 0) fail('bad Request-URI');
  if (!VERSION_RE.test(version)) fail('bad SIP version');
  return { type: 'request', method, uri, version, headers, body };
}

function hasCtl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

function parseHeaderBlock(head: string, pos: number): SipHeader[] {
  const headers: SipHeader[] = [];
  const len = head.length;
  while (pos < len) {
    // find the end of this header, including continuation lines
    let end = head.indexOf('\r\n', pos);
    let folded = false;
    while (end >= 0) {
      const next = head.charCodeAt(end + 2);
      if (next === 0x20 || next === 0x09) {
        folded = true;
        end = head.indexOf('\r\n', end + 2);
      } else break;
    }
    if (end < 0) end = len;
    const text = head.slice(pos, end);
    pos = end + 2;
    const colon = text.indexOf(':');
    if (colon <= 0) fail('header line without name or colon');
    let nameEnd = colon;
    while (nameEnd > 0 && (text.charCodeAt(nameEnd - 1) === 0x20 || text.charCodeAt(nameEnd - 1) === 0x09)) {
      nameEnd--;
    }
    const name = text.slice(0, nameEnd);
    if (!isToken(name)) fail(`bad header name '${name.slice(0, 40)}'`);
    let raw = text.slice(colon + 1);
    if (folded) raw = unfold(raw);
    if (raw.indexOf('\r') >= 0 || raw.indexOf('\n') >= 0) fail('bare CR or LF in header');
    const value = raw.trim();
    const h: SipHeader = { name, value };
    if (
      text.length !== name.length + 2 + value.length ||
      text.charCodeAt(nameEnd) !== 0x3a ||
      raw.charCodeAt(0) !== 0x20
    ) {
      h.wire = { name, value, text };
    }
    headers.push(h);
    if (headers.length > MAX_HEADERS) fail('too many headers');
  }
  return headers;
}

/** Replace each `*WSP CRLF 1*WSP` by one SP (RFC 3261 7.3.1), in linear time. */
function unfold(raw: string): string {
  const parts = raw.split('\r\n');
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    let a = 0;
    let b = p.length;
    if (i > 0) while (a < b && isWsp(p.charCodeAt(a))) a++;
    if (i < parts.length - 1) while (b > a && isWsp(p.charCodeAt(b - 1))) b--;
    out = i === 0 ? p.slice(a, b) : `${out} ${p.slice(a, b)}`;
  }
  return out;
}

function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09;
}
