/**
 * RTP fixed header (RFC 3550 §5.1), read and written in place without allocation.
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                           timestamp                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |           synchronization source (SSRC) identifier            |
 *    +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *    |            contributing source (CSRC) identifiers             |
 *    |                             ....                              |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   then, if X: | defined by profile (16) | length in 32-bit words (16) | extension words...
 *   then the payload; if P, the last octet counts the padding octets (including itself).
 */

export const RTP_HEADER_SIZE = 12;
export const RTP_VERSION = 2;

export interface RtpHeader {
  version: number;
  padding: boolean;
  /** True when the X bit was set (extension length already folded into headerLength). */
  extension: boolean;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  csrcCount: number;
  /** Bytes before the payload: 12 + 4·CC + extension (4 + 4·words). */
  headerLength: number;
  /** Payload bytes, padding excluded. */
  payloadLength: number;
}

export interface RtpHeaderFields {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

/** A reusable header object; allocate one per stream/socket and pass it to readRtpHeader. */
export function createRtpHeader(): RtpHeader {
  return {
    version: 0,
    padding: false,
    extension: false,
    marker: false,
    payloadType: 0,
    sequence: 0,
    timestamp: 0,
    ssrc: 0,
    csrcCount: 0,
    headerLength: 0,
    payloadLength: 0,
  };
}

/**
 * Parses the header of the first `len` bytes of `buf` into `out`. Returns false (and leaves `out`
 * unspecified) for anything that is not a well-formed RTP packet: too short, version ≠ 2, CSRC or
 * extension past the end, padding count 0 or larger than the payload, or an RTCP packet type
 * (PT 72–76 with the marker bit, RFC 5761 §4). Never throws, never allocates.
 */
export function readRtpHeader(buf: Uint8Array, len: number, out: RtpHeader): boolean {
  if (len > buf.length) len = buf.length;
  if (len < RTP_HEADER_SIZE) return false;
  const b0 = buf[0]!;
  const b1 = buf[1]!;
  const version = b0 >>> 6;
  if (version !== RTP_VERSION) return false;
  const pt = b1 & 0x7f;
  if (pt >= 72 && pt <= 76) return false;
  const cc = b0 & 0x0f;
  let headerLength = RTP_HEADER_SIZE + 4 * cc;
  if (headerLength > len) return false;
  const extension = (b0 & 0x10) !== 0;
  if (extension) {
    if (headerLength + 4 > len) return false;
    const words = (buf[headerLength + 2]! << 8) | buf[headerLength + 3]!;
    headerLength += 4 + 4 * words;
    if (headerLength > len) return false;
  }
  let payloadLength = len - headerLength;
  const padding = (b0 & 0x20) !== 0;
  if (padding) {
    if (payloadLength === 0) return false;
    const pad = buf[len - 1]!;
    if (pad === 0 || pad > payloadLength) return false;
    payloadLength -= pad;
  }
  out.version = version;
  out.padding = padding;
  out.extension = extension;
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = pt;
  out.sequence = (buf[2]! << 8) | buf[3]!;
  out.timestamp = ((buf[4]! << 24) | (buf[5]! << 16) | (buf[6]! << 8) | buf[7]!) >>> 0;
  out.ssrc = ((buf[8]! << 24) | (buf[9]! << 16) | (buf[10]! << 8) | buf[11]!) >>> 0;
  out.csrcCount = cc;
  out.headerLength = headerLength;
  out.payloadLength = payloadLength;
  return true;
}

/**
 * Writes a 12-byte header (V=2, no padding, no extension, no CSRC) at the start of `buf`.
 * Returns 12, or 0 if `buf` is shorter than 12 bytes. Values are masked to their field widths.
 */
export function writeRtpHeader(buf: Uint8Array, h: RtpHeaderFields): number {
  if (buf.length < RTP_HEADER_SIZE) return 0;
  const ts = h.timestamp >>> 0;
  const ssrc = h.ssrc >>> 0;
  buf[0] = 0x80;
  buf[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  buf[2] = (h.sequence >>> 8) & 0xff;
  buf[3] = h.sequence & 0xff;
  buf[4] = ts >>> 24;
  buf[5] = (ts >>> 16) & 0xff;
  buf[6] = (ts >>> 8) & 0xff;
  buf[7] = ts & 0xff;
  buf[8] = ssrc >>> 24;
  buf[9] = (ssrc >>> 16) & 0xff;
  buf[10] = (ssrc >>> 8) & 0xff;
  buf[11] = ssrc & 0xff;
  return RTP_HEADER_SIZE;
}

/** Rewrites only sequence, timestamp and SSRC of a packet in place (relay path re-stamping). */
export function restampRtp(buf: Uint8Array, sequence: number, timestamp: number, ssrc: number): void {
  if (buf.length < RTP_HEADER_SIZE) return;
  const ts = timestamp >>> 0;
  const s = ssrc >>> 0;
  buf[2] = (sequence >>> 8) & 0xff;
  buf[3] = sequence & 0xff;
  buf[4] = ts >>> 24;
  buf[5] = (ts >>> 16) & 0xff;
  buf[6] = (ts >>> 8) & 0xff;
  buf[7] = ts & 0xff;
  buf[8] = s >>> 24;
  buf[9] = (s >>> 16) & 0xff;
  buf[10] = (s >>> 8) & 0xff;
  buf[11] = s & 0xff;
}
