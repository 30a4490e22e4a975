/**
 * RTCP transmission interval (RFC 3550 §6.3 and A.7): deterministic interval from the session's
 * membership and bandwidth, minimum 5 s (2.5 s before the first report), randomised over
 * [0.5, 1.5] and divided by e − 3/2 to compensate for timer reconsideration. The random source is
 * injected so tests are deterministic; the runtime schedules the result on its clock.
 */
export const RTCP_MIN_TIME_S = 5;
const SENDER_BW_FRACTION = 0.25;
const RCVR_BW_FRACTION = 1 - SENDER_BW_FRACTION;
const COMPENSATION = Math.E - 1.5;

export interface RtcpIntervalInput {
  /** Current members of the session (including us). */
  members: number;
  /** Members that sent RTP since the last report (including us if we did). */
  senders: number;
  /** RTCP bandwidth in bytes per second (5 % of the session bandwidth; G.711: ≈ 500). */
  rtcpBwBytesPerSec: number;
  weSent: boolean;
  /** Average compound RTCP size in bytes, UDP/IP overhead included (see updateAvgRtcpSize). */
  avgRtcpSize: number;
  /** True before we sent our first RTCP packet. */
  initial: boolean;
}

/** Deterministic part of the interval (seconds), before randomisation. */
export function rtcpDeterministicInterval(x: RtcpIntervalInput): number {
  const minTime = x.initial ? RTCP_MIN_TIME_S / 2 : RTCP_MIN_TIME_S;
  let bw = x.rtcpBwBytesPerSec;
  let n = x.members;
  if (x.senders <= x.members * SENDER_BW_FRACTION) {
    if (x.weSent) {
      bw *= SENDER_BW_FRACTION;
      n = x.senders;
    } else {
      bw *= RCVR_BW_FRACTION;
      n -= x.senders;
    }
  }
  const t = bw > 0 ? (x.avgRtcpSize * Math.max(n, 1)) / bw : minTime;
  return Math.max(t, minTime);
}

/** The interval to wait before the next report, in milliseconds. `random()` returns [0, 1). */
export function rtcpIntervalMs(x: RtcpIntervalInput, random: () => number = Math.random): number {
  return ((rtcpDeterministicInterval(x) * (random() + 0.5)) / COMPENSATION) * 1000;
}

/** avg_rtcp_size update on each RTCP packet sent or received (A.7: weight 1/16). */
export function updateAvgRtcpSize(avg: number, packetSizeWithOverhead: number): number {
  return packetSizeWithOverhead / 16 + (avg * 15) / 16;
}
