/**
 * Who an authenticated INVITE may claim to be (issue 11, finding 9). Credentials prove an
 * account; From is whatever the caller typed. Unless the account may present another identity
 * (`SipUser.presentAnyIdentity`: a PBX behind us, a digest-authenticated carrier), From's user
 * must be the authenticated username, else 403: the caller ID toward trunks and agents comes
 * from the account, never from a header the caller chose. The host part is already the realm
 * the credentials were checked against (Authenticator.domainOf reads From for INVITEs).
 */

import type { ErrorCode } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/logger.js';
import { createResponse, getHeader, type SipRequest, type SipResponse } from '../message.js';
import { reject, type SipRejection, SipStatus } from '../status.js';
import type { TxSource } from '../transaction/types.js';
import { newTag, parseUriLite, uriOfNameAddr } from '../transaction/util.js';
import type { AuthFailure, AuthResult } from './authenticator.js';

/** The registry's code (src/kernel/error-codes.ts), logged with the 403. */
export const IDENTITY_MISMATCH = 'SWB_SIP_IDENTITY_MISMATCH' satisfies ErrorCode;

/**
 * undefined when the INVITE may proceed; else the 403 to send, the code to log and the typed
 * rejection (`identity-mismatch`) for logs' `reason` field and metrics labels.
 */
export function identityDenied(
  req: SipRequest,
  auth: Extract<AuthResult, { ok: true }>,
): { code: typeof IDENTITY_MISMATCH; rejection: SipRejection; response: SipResponse } | undefined {
  if (auth.user.presentAnyIdentity) return undefined;
  let ok = false;
  try {
    const from = parseUriLite(uriOfNameAddr(getHeader(req, 'From') ?? ''));
    ok = (from.scheme === 'sip' || from.scheme === 'sips') && from.user === auth.username;
  } catch {
    // a From we cannot read is not the account's identity
  }
  if (ok) return undefined;
  const rejection = reject(SipStatus.Forbidden, 'identity-mismatch');
  return {
    code: IDENTITY_MISMATCH,
    rejection,
    response: createResponse(req, rejection.status, { toTag: newTag() }),
  };
}

/** Normal protocol steps (a nonce of a previous process or flow, an expired one) are not news. */
const ROUTINE: ReadonlySet<AuthFailure> = new Set(['nonce-unknown', 'nonce-stale']);

/** One line per refused credential, with the source; never the username or any digest value. */
export function logAuthFailure(logger: Logger, method: string, src: TxSource, reason: AuthFailure): void {
  const fields = { method, reason, ip: src.remoteAddress, port: src.remotePort, transport: src.transport };
  if (ROUTINE.has(reason)) logger.debug(fields, 'sip digest re-challenge');
  else logger.info(fields, 'sip digest credentials refused');
}
