/**
 * Registration-held flows (RFC 5626 flows, RFC 3261 10.3): a phone that registered over a
 * connection must be reachable over that same connection for the registration's lifetime
 * (behind NAT it is the only way in), so such a connection is exempt from the idle limit and
 * from the per-address cap. The transport learns this from the messages it carries, without a
 * back-channel from the registrar: it remembers the Contacts of the last REGISTER that went
 * over a flow, and when a 2xx to that REGISTER goes over the same flow, the registrar's own
 * answer (RFC 3261 10.3 step 8: every current binding with its expiry) says how long those
 * Contacts stay bound. Works both ways: phones registering with us, and us registering with a
 * carrier over a connection we dialled.
 */
import { parseNameAddr } from '../headers/name-addr.js';
import { getHeader, getHeaders, type SipMessage, type SipResponse } from '../message.js';

export interface PendingRegister {
  callId: string;
  cseq: string;
  contacts: string[];
}

/** The part of a REGISTER needed to match its 2xx; undefined for other messages. */
export function pendingRegisterOf(m: SipMessage): PendingRegister | undefined {
  if (m.type !== 'request' || m.method !== 'REGISTER') return undefined;
  const contacts: string[] = [];
  for (const c of getHeaders(m, 'Contact')) {
    const uri = contactUri(c);
    if (uri !== undefined && uri !== '*') contacts.push(uri);
  }
  return { callId: getHeader(m, 'Call-ID') ?? '', cseq: cseqNumber(m), contacts };
}

/**
 * For a 2xx to `pending`: seconds until the last of its Contacts expires (0 when none is bound
 * any more, e.g. after Expires: 0). Undefined when `res` is not the answer to `pending`.
 */
export function boundSecondsOf(res: SipResponse, pending: PendingRegister): number | undefined {
  if (res.status < 200 || res.status > 299) return undefined;
  const cseq = getHeader(res, 'CSeq') ?? '';
  if (!/\bREGISTER\s*$/i.test(cseq) || cseqNumber(res) !== pending.cseq) return undefined;
  if ((getHeader(res, 'Call-ID') ?? '') !== pending.callId) return undefined;
  const headerExpires = Number(getHeader(res, 'Expires') ?? 'NaN');
  let longest = 0;
  for (const c of getHeaders(res, 'Contact')) {
    let na: ReturnType<typeof parseNameAddr>;
    try {
      na = parseNameAddr(c);
    } catch {
      continue;
    }
    if (!pending.contacts.includes(na.uri)) continue;
    const p = na.params['expires'];
    const exp = p !== undefined && p !== null ? Number(p) : headerExpires;
    if (Number.isFinite(exp) && exp > longest) longest = exp;
  }
  return longest;
}

function contactUri(value: string): string | undefined {
  try {
    return parseNameAddr(value).uri;
  } catch {
    return undefined;
  }
}

function cseqNumber(m: SipMessage): string {
  return (getHeader(m, 'CSeq') ?? '').trim().split(/\s+/)[0] ?? '';
}
