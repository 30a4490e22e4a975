/** Ports and event types of the B2BUA core. */

/** The media plane as the B2BUA sees it; the lead wires the real one later. */
export interface MediaPort {
  /** Reserve an RTP endpoint for a leg. */
  allocate(legId: string): Promise<{ address: string; port: number }> | { address: string; port: number };
  /** Remote SDP of a leg is known (offer or answer). */
  remoteDescription?(legId: string, sdp: string): void;
  /**
   * The answer to an offer this port answers itself (a browser's WebRTC offer: ICE, DTLS-SRTP);
   * undefined lets the leg build its own answer from allocate()'s address (plain RTP).
   */
  answer?(legId: string, offer: string): Promise<string | undefined>;
  release(legId: string): void;
}

export const LEG_STATES = ['new', 'calling', 'early', 'answered', 'ended'] as const;
export type LegState = (typeof LEG_STATES)[number];

export type EndReason =
  | 'local-hangup'
  | 'remote-bye'
  | 'cancelled'
  | 'rejected'
  | 'no-answer'
  | 'timeout'
  | 'session-expired'
  | 'ack-timeout'
  | 'failed';

export interface LegEnd {
  reason: EndReason;
  /** SIP status that ended the leg (200 for a BYE, 487 for CANCEL, final code for rejects). */
  code: number;
}

export type LegEvents = {
  ringing: [];
  'early-media': [sdp: string];
  answered: [sdp: string];
  held: [];
  resumed: [];
  /** REFER received (RFC 3515) — blind transfer request to `target`. */
  refer: [target: string];
  'dtmf-info': [digit: string];
  ended: [end: LegEnd];
};
