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

export function parseVia(text: string): Via {
  const m = VIA_RE.exec(text.trim());
  if (!m) fail('bad Via');
  const host = m[4]!;
  if (!isValidHost(host)) fail('bad Via host');
  const port = m[5] !== undefined ? Number(m[5]) : undefined;
  if (port !== undefined && (port > 65535 || port === 0)) fail('bad Via port');
  const params = parseParams(m[6] ?? '');
  const branch = params['branch'];
  if (branch === null) fail('Via branch without value');
  const rp = params['rport'];
  if (rp !== undefined && rp !== null && !/^\d{1,5}$/.test(rp)) fail('bad rport');
  const received = params['received'];
  if (received === null) fail('Via received without value');
  if ('ttl' in params && !/^\d{1,3}$/.test(params['ttl'] ?? '')) fail('bad Via ttl');
  if ('maddr' in params && !isValidHost(params['maddr'] ?? '')) fail('bad Via maddr');
  return {
    protocol: `${m[1]!.toUpperCase()}/${m[2]}`,
    transport: m[3]!.toUpperCase(),
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
