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

const PARAM_NAME_RE = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const PARAM_VALUE_RE = /^(?:[A-Za-z0-9\-.!%*_+`'~:]+|\[[0-9A-Fa-f:.]+\]|"(?:[^"\\]|\\[\s\S])*")$/;

/**
 * Parse `;a=b;c;d="x y"` (the text starting at the first ';', or empty). Whitespace around
 * ';' and '=' is allowed (LWS). Throws SWB_SIP_PARSE on a bad name or value.
 */
export function parseParams(text: string): Params {
  const params: Params = {};
  let rest = text.trim();
  if (rest === '') return params;
  if (rest[0] !== ';') fail(`unexpected text before parameters: '${rest.slice(0, 40)}'`);
  while (rest.length > 0) {
    rest = rest.slice(1); // skip ';'
    let end = indexOfTopLevel(rest, ';');
    if (end < 0) end = rest.length;
    const part = rest.slice(0, end).trim();
    rest = rest.slice(end);
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (!PARAM_NAME_RE.test(name)) fail(`bad parameter name '${name.slice(0, 40)}'`);
    if (eq < 0) {
      params[name.toLowerCase()] = null;
    } else {
      const value = part.slice(eq + 1).trim();
      if (!PARAM_VALUE_RE.test(value)) fail(`bad value for parameter '${name}'`);
      params[name.toLowerCase()] = value;
    }
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
