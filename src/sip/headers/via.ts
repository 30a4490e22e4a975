/**
 * Via (RFC 3261 20.42, 25.1; RFC 3581 rport):
 *   SIP / 2.0 / transport LWS sent-by *( SEMI via-params )
 * LWS is allowed around '/' and ':'.
 */
import { SwbError } from '../../kernel/errors.js';
import { type Params, parseParams, serializeParams } from './params.js';
import { isValidHost } from './uri.js';

export interface Via {
  protocol: string; // 'SIP/2.0'
  transport: string; // upper case: UDP, TCP, TLS, WS, WSS, SCTP ...
  host: string;
  port: number | undefined;
  params: Params;
  branch: string | undefined;
  /** rport: null when present without value, a number when filled in, undefined when absent. */
  rport: number | null | undefined;
  received: string | undefined;
}

function fail(reason: string): never {
  throw new SwbError('SWB_SIP_PARSE', { reason });
}

const VIA_RE =
  /^([A-Za-z0-9\-.!%*_+`'~]+)\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-.]+)(?:\s*:\s*(\d{1,5}))?\s*(;[\s\S]*)?$/;

/** Fast path for the canonical `SIP/2.0/T host[:port][;params]` form; undefined when not canonical. */
function splitCanonical(t: string): [string, string, string, string | undefined, string] | undefined {
  if (!t.startsWith('SIP/2.0/')) return undefined;
  const sp = t.indexOf(' ', 8);
  if (sp < 0) return undefined;
  const transport = t.slice(8, sp);
  let i = sp + 1;
  const n = t.length;
  let hostEnd: number;
  if (t.charCodeAt(i) === 0x5b) {
    hostEnd = t.indexOf(']', i) + 1;
    if (hostEnd <= 0) return undefined;
  } else {
    hostEnd = i;
    for (; hostEnd < n; hostEnd++) {
      const c = t.charCodeAt(hostEnd);
      if (c === 0x3a || c === 0x3b || c === 0x20 || c === 0x09) break;
    }
  }
  const host = t.slice(i, hostEnd);
  i = hostEnd;
  let port: string | undefined;
  if (t.charCodeAt(i) === 0x3a) {
    const ps = ++i;
    while (i < n && t.charCodeAt(i) >= 0x30 && t.charCodeAt(i) <= 0x39) i++;
    port = t.slice(ps, i);
  }
  if (i < n && t.charCodeAt(i) !== 0x3b) return undefined; // LWS or junk: let the full grammar decide
  return ['SIP/2.0', transport, host, port, t.slice(i)];
}

export function parseVia(text: string): Via {
  const t = text.trim();
  let protocol: string;
  let transportRaw: string;
  let host: string;
  let portText: string | undefined;
  let paramText: string;
  const fast = splitCanonical(t);
  if (fast && fast[1] !== '' && fast[2] !== '' && fast[3] !== '') {
    [protocol, transportRaw, host, portText, paramText] = fast;
    if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(transportRaw)) fail('bad Via transport');
    if (portText !== undefined && (portText.length > 5 || portText.length === 0)) fail('bad Via port');
  } else {
    const m = VIA_RE.exec(t);
    if (!m) fail('bad Via');
    protocol = `${m[1]!.toUpperCase()}/${m[2]}`;
    transportRaw = m[3]!;
    host = m[4]!;
    portText = m[5];
    paramText = m[6] ?? '';
  }
  if (!isValidHost(host)) fail('bad Via host');
  const port = portText !== undefined ? Number(portText) : undefined;
  if (port !== undefined && (port > 65535 || port === 0)) fail('bad Via port');
  const params = parseParams(paramText);
  const branch = params['branch'];
  if (branch === null) fail('Via branch without value');
  const rp = params['rport'];
  if (rp !== undefined && rp !== null && !/^\d{1,5}$/.test(rp)) fail('bad rport');
  const received = params['received'];
  if (received === null) fail('Via received without value');
  if ('ttl' in params && !/^\d{1,3}$/.test(params['ttl'] ?? '')) fail('bad Via ttl');
  if ('maddr' in params && !isValidHost(params['maddr'] ?? '')) fail('bad Via maddr');
  return {
    protocol,
    transport: transportRaw.toUpperCase(),
    host,
    port,
    params,
    branch: branch ?? undefined,
    rport: rp === undefined ? undefined : rp === null ? null : Number(rp),
    received: received ?? undefined,
  };
}

export function serializeVia(v: Via): string {
  return `${v.protocol}/${v.transport} ${v.host}${v.port !== undefined ? `:${v.port}` : ''}${serializeParams(v.params)}`;
}

/** RFC 3261 magic cookie: branches starting with it are globally unique. */
export const BRANCH_COOKIE = 'z9hG4bK';
