/** NTP timestamp helpers for RTCP (RFC 3550 §4, §6.4.1). */

/** Seconds between 1900-01-01 (NTP era 0) and 1970-01-01. */
const NTP_EPOCH_OFFSET = 2208988800;

/** Wall-clock milliseconds (Unix epoch) as an NTP timestamp. */
export function msToNtp(ms: number): { sec: number; frac: number } {
  const sec = Math.floor(ms / 1000);
  const frac = Math.floor(((ms - sec * 1000) / 1000) * 4294967296);
  return { sec: (sec + NTP_EPOCH_OFFSET) >>> 0, frac: frac >>> 0 };
}

/** The middle 32 bits of an NTP timestamp (the LSR/DLSR unit: 1/65536 s). */
export function ntpMiddle(sec: number, frac: number): number {
  return (((sec & 0xffff) << 16) | (frac >>> 16)) >>> 0;
}

/**
 * Round-trip time in ms from a report block received at `arrivalMs` (RFC 3550 §6.4.1:
 * A − LSR − DLSR). Returns null when the peer has not seen an SR from us yet (LSR 0).
 */
export function roundTripMs(arrivalMs: number, lsr: number, dlsr: number): number | null {
  if (lsr === 0) return null;
  const n = msToNtp(arrivalMs);
  const a = ntpMiddle(n.sec, n.frac);
  const rtt = (a - lsr - dlsr) >>> 0;
  if (rtt > 0x7fffffff) return 0;
  return (rtt / 65536) * 1000;
}
