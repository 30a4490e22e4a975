/**
 * Is the body of an INVITE / UPDATE (or an in-dialog re-INVITE) an offer we can work with?
 * Checked before a leg exists, so a caller with junk never gets 100 Trying nor reaches a callee
 * or a carrier (issue 11, finding 10). What the RFCs say to answer:
 * - a body without Content-Type: 400 (RFC 3261 20.15: it MUST be present with a body);
 * - a Content-Type or Content-Encoding we do not understand: 415 with Accept / Accept-Encoding
 *   (RFC 3261 8.2.3, 21.4.13) — only application/sdp, unencoded;
 * - SDP that does not parse, or holds no usable audio stream: 488 with a Warning (RFC 3261
 *   21.4.26 and 20.43; RFC 3264 6: an offer we cannot answer). Warning codes: 399 for malformed
 *   SDP, 304 "media type not available" when there is no m= line / no audio, 305 "incompatible
 *   media format" when every audio stream is refused (port 0).
 * No body at all is fine: the offer comes in our answer (late offer, RFC 3261 13.2.1).
 * Codec negotiation itself stays with offer-answer.ts (WebRTC offers differ in profile).
 */

import { SwbError } from '../../kernel/errors.js';
import { getHeader, type SipHeader, type SipRequest } from '../message.js';
import { SipStatus } from '../status.js';
import { parseSdp } from './sdp.js';

export interface OfferRejection {
  status:
    | typeof SipStatus.BadRequest
    | typeof SipStatus.UnsupportedMediaType
    | typeof SipStatus.NotAcceptableHere;
  /** Stable short reason (logs, tests, the Warning text). */
  reason: string;
  headers: SipHeader[];
}

/** RFC 3261 20.43: warn-agent may be a pseudonym; we do not publish our address in it. */
const WARN_AGENT = 'switchboard';

const warning = (code: number, text: string): SipHeader => ({
  name: 'Warning',
  value: `${code} ${WARN_AGENT} "${text.replace(/["\\\r\n]/g, ' ').slice(0, 120)}"`,
});

function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** undefined when the request may proceed. */
export function checkOfferBody(req: SipRequest): OfferRejection | undefined {
  if (req.body.length === 0) return undefined;
  const ct = getHeader(req, 'Content-Type');
  if (ct === undefined) {
    return {
      status: SipStatus.BadRequest,
      reason: 'body without Content-Type',
      headers: [warning(399, 'body without Content-Type')],
    };
  }
  if (mediaType(ct) !== 'application/sdp') {
    const reason = `unsupported Content-Type ${mediaType(ct).slice(0, 60)}`;
    return {
      status: SipStatus.UnsupportedMediaType,
      reason,
      headers: [{ name: 'Accept', value: 'application/sdp' }, warning(399, reason)],
    };
  }
  const enc = getHeader(req, 'Content-Encoding')?.trim().toLowerCase();
  if (enc && enc !== 'identity') {
    const reason = `unsupported Content-Encoding ${enc.slice(0, 40)}`;
    return {
      status: SipStatus.UnsupportedMediaType,
      reason,
      headers: [{ name: 'Accept-Encoding', value: 'identity' }, warning(399, reason)],
    };
  }
  let sdp: ReturnType<typeof parseSdp>;
  try {
    sdp = parseSdp(req.body);
  } catch (err) {
    const why =
      err instanceof SwbError && typeof err.details?.['reason'] === 'string' ? err.details['reason'] : '';
    const reason = `malformed SDP${why ? `: ${why}` : ''}`;
    return { status: SipStatus.NotAcceptableHere, reason, headers: [warning(399, reason)] };
  }
  if (sdp.media.length === 0) {
    return {
      status: SipStatus.NotAcceptableHere,
      reason: 'no m= line',
      headers: [warning(304, 'no m= line')],
    };
  }
  const audio = sdp.media.filter((m) => m.type === 'audio');
  if (audio.length === 0) {
    return {
      status: SipStatus.NotAcceptableHere,
      reason: 'no audio stream',
      headers: [warning(304, 'no audio stream')],
    };
  }
  if (audio.every((m) => m.port === 0)) {
    return {
      status: SipStatus.NotAcceptableHere,
      reason: 'every audio stream refused',
      headers: [warning(305, 'audio port 0')],
    };
  }
  return undefined;
}
