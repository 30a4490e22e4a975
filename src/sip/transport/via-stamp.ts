/**
 * Top-Via handling at the transport edge: stamping `received`/`rport` on incoming requests
 * (RFC 3261 18.2.1, RFC 3581 4) and choosing where a response goes (RFC 3261 18.2.2,
 * RFC 3581 4: symmetric response routing).
 */

import { bareHost } from '../headers/uri.js';
import { parseVia, type Via } from '../headers/via.js';
import { canonicalKey, type SipMessage, splitList } from '../message.js';
import type { SipSource, SipTarget, SipTransportKind } from './types.js';

function topViaIndex(m: SipMessage): number {
  return m.headers.findIndex((h) => canonicalKey(h.name) === 'via');
}

/**
 * Add `received` when the sent-by host differs from the packet's source address, and fill
 * `rport` when the client asked for it (then `received` is always added). Returns the parsed
 * top Via after stamping. Throws SWB_SIP_PARSE when there is no valid top Via.
 */
export function stampVia(m: SipMessage, src: SipSource): Via {
  const idx = topViaIndex(m);
  if (idx < 0) return parseVia(''); // throws
  const h = m.headers[idx]!;
  const values = splitList(h.value);
  const top = values[0] ?? '';
  const via = parseVia(top);
  const wantsRport = via.rport === null;
  const differs = bareHost(via.host).toLowerCase() !== src.remoteAddress.toLowerCase();
  if (!wantsRport && !differs) return via;
  let text = top;
  if (wantsRport) {
    text = text.replace(/;\s*rport(?=\s*(;|$))/i, `;rport=${src.remotePort}`);
    via.rport = src.remotePort;
    via.params['rport'] = String(src.remotePort);
  }
  if (via.received === undefined || via.received !== src.remoteAddress) {
    if (via.received !== undefined) text = text.replace(/;\s*received\s*=\s*[^;]*/i, '');
    text += `;received=${src.remoteAddress}`;
    via.received = src.remoteAddress;
    via.params['received'] = src.remoteAddress;
  }
  values[0] = text;
  m.headers[idx] = { name: h.name, value: values.join(', ') };
  return via;
}

const KINDS: Record<string, SipTransportKind> = { UDP: 'udp', TCP: 'tcp', TLS: 'tls', WS: 'ws', WSS: 'wss' };

/** Default port per transport (RFC 3261 19.1.2, RFC 7118). */
export function defaultPort(kind: SipTransportKind): number {
  return kind === 'tls' ? 5061 : kind === 'ws' ? 80 : kind === 'wss' ? 443 : 5060;
}

/**
 * Where a response goes, from its top Via (RFC 3261 18.2.2 with RFC 3581): reliable
 * transports reuse the request's connection; otherwise maddr, then received + rport,
 * then received + sent-by port, then sent-by.
 */
export function responseTarget(res: SipMessage, src?: SipSource): SipTarget {
  const idx = topViaIndex(res);
  if (idx < 0) return parseVia('') as never;
  const via = parseVia(splitList(res.headers[idx]!.value)[0] ?? '');
  const transport = KINDS[via.transport] ?? 'udp';
  const connectionId = src?.connectionId;
  if (transport !== 'udp') {
    const host = via.received ?? bareHost(via.host);
    const port = typeof via.rport === 'number' ? via.rport : (via.port ?? defaultPort(transport));
    return connectionId !== undefined ? { transport, host, port, connectionId } : { transport, host, port };
  }
  const maddr = via.params['maddr'];
  if (maddr) return { transport, host: bareHost(maddr), port: via.port ?? 5060 };
  if (via.received !== undefined) {
    const port = typeof via.rport === 'number' ? via.rport : (via.port ?? 5060);
    return { transport, host: bareHost(via.received), port };
  }
  return { transport, host: bareHost(via.host), port: via.port ?? 5060 };
}
