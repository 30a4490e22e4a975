/**
 * The B2BUA's use of src/sip/sdp (RFC 3264 offer/answer): offers and answers for one audio
 * stream built on the media port's address/port, and the peer's direction for hold detection
 * (sendonly/inactive, or the legacy c=0.0.0.0 of RFC 2543).
 */
import {
  createAnswer,
  createOffer,
  type Direction,
  directionOf,
  parseSdp,
  answerDirection as sdpAnswerDirection,
  serializeSdp,
} from '../sdp/index.js';

export type { Direction };

export interface SdpParams {
  address: string;
  port: number;
  sessionId: number;
  version: number;
  direction?: Direction;
}

function local(p: SdpParams) {
  return {
    address: p.address,
    port: p.port,
    sessionId: String(p.sessionId),
    sessionVersion: p.version,
    direction: p.direction ?? 'sendrecv',
    username: 'switchboard',
  };
}

/** Our offer: PCMU, PCMA, telephone-event/8000, ptime 20, with the given direction. */
export function buildSdp(p: SdpParams): string {
  return serializeSdp(createOffer(local(p)));
}

/** Our answer to `offer` (throws SwbError SWB_SIP_SDP → 488 when nothing is acceptable). */
export function buildAnswer(offer: string, p: SdpParams): string {
  return serializeSdp(createAnswer(parseSdp(offer), local(p)));
}

/** Direction of the first audio stream as offered by the peer (sendrecv when unparseable). */
export function sdpDirection(sdp: string): Direction {
  try {
    const s = parseSdp(sdp);
    const m = s.media.find((x) => x.type === 'audio') ?? s.media[0];
    if (!m) return 'sendrecv';
    const dir = directionOf(m, s);
    const conn = m.connections[0] ?? s.connection;
    return conn?.address === '0.0.0.0' && dir === 'sendrecv' ? 'sendonly' : dir;
  } catch {
    return 'sendrecv';
  }
}

/** Our answer direction for an offered direction (RFC 3264 6.1). */
export function answerDirection(offered: Direction, wanted: Direction = 'sendrecv'): Direction {
  return sdpAnswerDirection(offered, wanted);
}

export function isHold(dir: Direction): boolean {
  return dir === 'sendonly' || dir === 'inactive';
}
