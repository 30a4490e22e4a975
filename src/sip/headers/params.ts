/**
 * Generic parameters: `*( SEMI generic-param )`, generic-param = token [ EQUAL gen-value ],
 * gen-value = token / host / quoted-string (RFC 3261 25.1). Names are stored lower-cased;
 * values keep their wire text (quoted strings keep their quotes); a flag param has value null.
 */
import { SwbError } from '../../kernel/errors.js';

export type Params = Record<string, string | null>;

function fail(reason: string): never {
  throw new SwbError('SWB_SIP_PARSE', { reason });
}

/** Index of `ch` at top level of `s` from `from` (skipping quoted strings and <...>), or -1. */
export function indexOfTopLevel(s: string, ch: string, from = 0): number {
  const code = ch.charCodeAt(0);
  let inQuote = false;
  let inAngle = false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
      continue;
    }
    if (c === code && !inAngle) return i;
    if (c === 0x22) inQuote = true;
    else if (c === 0x3c) inAngle = true;
    else if (c === 0x3e) inAngle = false;
  }
  return -1;
}

// token characters (RFC 3261 25.1): alphanum and - . ! % * _ + ` ' ~
const TOKEN = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~")
  TOKEN[c.charCodeAt(0)] = 1;

function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * Parse `;a=b;c;d="x y"` (the text starting at the first ';', or empty). Whitespace around
 * ';' and '=' is allowed (LWS). Values are token, host (IPv6 with or without brackets) or
 * quoted-string. Throws SWB_SIP_PARSE on a bad name or value. Single pass, no regex.
 */
export function parseParams(text: string): Params {
  const params: Params = {};
  const n = text.length;
  let i = 0;
  while (i < n && isWsp(text.charCodeAt(i))) i++;
  if (i === n) return params;
  if (text.charCodeAt(i) !== 0x3b) fail(`unexpected text before parameters: '${text.slice(i, i + 40)}'`);
  while (i < n) {
    i++; // ';'
    while (i < n && isWsp(text.charCodeAt(i))) i++;
    const ns = i;
    while (i < n && isTokenChar(text.charCodeAt(i))) i++;
    if (i === ns) fail('empty or bad parameter name');
    const name = text.slice(ns, i);
    while (i < n && isWsp(text.charCodeAt(i))) i++;
    let value: string | null = null;
    if (i < n && text.charCodeAt(i) === 0x3d) {
      i++;
      while (i < n && isWsp(text.charCodeAt(i))) i++;
      const vs = i;
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        for (;;) {
          if (i >= n) fail(`unterminated quoted value for parameter '${name}'`);
          const q = text.charCodeAt(i);
          if (q === 0x5c) i += 2;
          else if (q === 0x22) {
            i++;
            break;
          } else i++;
        }
      } else if (c === 0x5b) {
        const close = text.indexOf(']', i);
        if (close < 0) fail(`bad value for parameter '${name}'`);
        for (let k = i + 1; k < close; k++) {
          const h = text.charCodeAt(k);
          if (
            !((h >= 0x30 && h <= 0x3a) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66) || h === 0x2e)
          ) {
            fail(`bad value for parameter '${name}'`);
          }
        }
        i = close + 1;
      } else {
        while (i < n && (isTokenChar(text.charCodeAt(i)) || text.charCodeAt(i) === 0x3a)) i++;
      }
      if (i === vs) fail(`bad value for parameter '${name}'`);
      value = text.slice(vs, i);
      while (i < n && isWsp(text.charCodeAt(i))) i++;
    }
    if (i < n && text.charCodeAt(i) !== 0x3b) fail(`bad value for parameter '${name}'`);
    params[name.toLowerCase()] = value;
  }
  return params;
}

export function serializeParams(params: Params): string {
  let s = '';
  for (const [k, v] of Object.entries(params)) s += v === null ? `;${k}` : `;${k}=${v}`;
  return s;
}

/** Unquote a quoted-string (removing quotes and backslash escapes); other text is returned as is. */
export function unquote(s: string): string {
  if (s.length < 2 || s[0] !== '"' || s[s.length - 1] !== '"') return s;
  return s.slice(1, -1).replace(/\\([\s\S])/g, '$1');
}

export function quote(s: string): string {
  return `"${s.replace(/(["\\])/g, '\\$1')}"`;
}
