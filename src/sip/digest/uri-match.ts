/**
 * Does the credentials' `uri` (digest-uri) name the request's Request-URI? RFC 3261 22.4 and
 * RFC 7616 3.4.6: the server must check it, otherwise a response computed for one request
 * authorises any other (a header captured on `INVITE sip:1002@…` replayed on
 * `INVITE sip:0044…@…`).
 *
 * Phones copy the Request-URI verbatim, but proxies and SBCs in between re-serialise it, so
 * equality is that of RFC 3261 19.1.4 on what decides where a request goes: scheme, user and
 * password (unescaped, case-sensitive), host (case-insensitive) and port. We relax two rules:
 * an absent port equals the scheme's default (5060 sip, 5061 sips) and URI parameters and
 * headers are ignored — our routing reads only user and domain, and SBCs add or drop
 * `;transport=`, `;user=phone`. Anything that is not a sip:/sips: URI must match byte for byte.
 */
import { parseUri, type SipUri } from '../headers/uri.js';

function tryParse(s: string): SipUri | undefined {
  try {
    return parseUri(s.trim());
  } catch {
    return undefined;
  }
}

const defaultPort = (u: SipUri): number => u.port ?? (u.scheme === 'sips' ? 5061 : 5060);

export function digestUriMatches(digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true;
  const a = tryParse(digestUri);
  const b = tryParse(requestUri);
  if (!a || !b) return false;
  return (
    a.scheme === b.scheme &&
    a.user === b.user &&
    a.password === b.password &&
    a.host.toLowerCase() === b.host.toLowerCase() &&
    defaultPort(a) === defaultPort(b)
  );
}

/**
 * The check the authenticator applies. REGISTER is the one exception: its Request-URI only
 * names the registrar (RFC 3261 10.2: the domain), which the realm already pins, and what a
 * REGISTER changes is chosen by To and Contact, not by that URI. So any user-less SIP URI is
 * taken as naming us: SIPp's default `uri="sip:<server ip>:<port>"` and phones configured with
 * the server's address register. Replay of a REGISTER is stopped by the flow-bound nonce and nc.
 * Every other method (INVITE above all: the Request-URI is whom it calls) must match exactly.
 */
export function digestUriAcceptable(method: string, digestUri: string, requestUri: string): boolean {
  if (digestUriMatches(digestUri, requestUri)) return true;
  if (method !== 'REGISTER') return false;
  const a = tryParse(digestUri);
  return a !== undefined && a.user === undefined && a.password === undefined;
}
