/**
 * Minimal SDP (RFC 4566/8866) for signalling: an audio offer/answer with PCMU, PCMA and
 * telephone-event, the direction attribute, and reading a peer's direction for hold
 * detection (RFC 3264 8.4: sendonly/inactive, or the legacy c=0.0.0.0).
 */
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpParams {
  address: string;
  port: number;
  sessionId: number;
  version: number;
  direction?: Direction;
}

export function buildSdp(p: SdpParams): string {
  const ip = p.address.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=switchboard ${p.sessionId} ${p.version} IN ${ip} ${p.address}`,
    's=switchboard',
    `c=IN ${ip} ${p.address}`,
    't=0 0',
    `m=audio ${p.port} RTP/AVP 0 8 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    'a=ptime:20',
    `a=${p.direction ?? 'sendrecv'}`,
    '',
  ].join('\r\n');
}

/** Direction of the (first) audio stream as offered by the peer. */
export function sdpDirection(sdp: string): Direction {
  const lines = sdp.split(/\r?\n/);
  let dir: Direction = 'sendrecv';
  let nullConn = false;
  for (const l of lines) {
    const m = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/.exec(l);
    if (m) dir = m[1] as Direction;
    if (/^c=IN IP4 0\.0\.0\.0/.test(l)) nullConn = true;
  }
  return nullConn && dir === 'sendrecv' ? 'sendonly' : dir;
}

/** Our answer direction for an offered direction (RFC 3264 6.1). */
export function answerDirection(offered: Direction): Direction {
  switch (offered) {
    case 'sendonly':
      return 'recvonly';
    case 'recvonly':
      return 'sendonly';
    case 'inactive':
      return 'inactive';
    default:
      return 'sendrecv';
  }
}

export function isHold(dir: Direction): boolean {
  return dir === 'sendonly' || dir === 'inactive';
}
