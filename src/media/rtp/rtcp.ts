/**
 * RTCP (RFC 3550 §6): SR, RR, SDES, BYE and compound packets. Other packet types (feedback,
 * APP, XR) are kept as opaque `other` packets so a compound survives parse → serialize unchanged.
 *
 * Common header of every RTCP packet:
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |V=2|P|  count  |      PT       |   length (32-bit words − 1)   |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * SR (PT 200): SSRC, NTP ts (2 words), RTP ts, packet count, octet count, then count report blocks.
 * RR (PT 201): SSRC, then count report blocks. Report block (24 bytes):
 *    | SSRC | fraction lost (8) | cumulative lost (24, signed) | ext. highest seq | jitter | LSR | DLSR |
 * SDES (PT 202): count chunks of SSRC + items (type, length, text), ended by a null octet and padded.
 * BYE (PT 203): count SSRCs, then an optional reason (length, text), padded.
 *
 * RTCP arrives once every few seconds per stream, so parsing builds small objects; the RTP path
 * (rtp-packet.ts) is the one that never allocates. Garbage returns null, never throws.
 */

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const SDES_CNAME = 1;

export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the previous report, in 1/256 units (0–255). */
  fractionLost: number;
  /** Cumulative lost packets, signed 24-bit (duplicates can make it negative). */
  cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | seq). */
  highestSeq: number;
  /** Interarrival jitter in RTP timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from this source, 0 if none. */
  lsr: number;
  /** Delay since that SR, in 1/65536 s. */
  dlsr: number;
}

export interface SenderInfo {
  ntpSec: number;
  ntpFrac: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export interface SdesItem {
  type: number;
  text: string;
}

export interface SdesChunk {
  ssrc: number;
  items: SdesItem[];
}

export type RtcpPacket =
  | { type: 'sr'; ssrc: number; sender: SenderInfo; reports: ReportBlock[] }
  | { type: 'rr'; ssrc: number; reports: ReportBlock[] }
  | { type: 'sdes'; chunks: SdesChunk[] }
  | { type: 'bye'; ssrcs: number[]; reason?: string }
  | { type: 'other'; packetType: number; count: number; body: Uint8Array };

/** RTP/RTCP demultiplexing on one port (RFC 5761 §4): second byte 192–223 means RTCP. */
export function isRtcp(buf: Uint8Array, len: number): boolean {
  if (len < 4 || buf.length < 4) return false;
  const pt = buf[1]!;
  return (buf[0]! & 0xc0) === 0x80 && pt >= 192 && pt <= 223;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function readReport(b: Uint8Array, o: number): ReportBlock {
  let lost = (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!;
  if (lost & 0x800000) lost -= 0x1000000;
  return {
    ssrc: u32(b, o),
    fractionLost: b[o + 4]!,
    cumulativeLost: lost,
    highestSeq: u32(b, o + 8),
    jitter: u32(b, o + 12),
    lsr: u32(b, o + 16),
    dlsr: u32(b, o + 20),
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8enc = new TextEncoder();

function parseSdes(b: Uint8Array, start: number, end: number, count: number): SdesChunk[] | null {
  const chunks: SdesChunk[] = [];
  let o = start;
  for (let c = 0; c < count; c++) {
    if (o + 4 > end) return null;
    const chunk: SdesChunk = { ssrc: u32(b, o), items: [] };
    o += 4;
    for (;;) {
      if (o >= end) return null;
      const type = b[o]!;
      if (type === 0) {
        o = (o + 4) & ~3; // END, then nulls up to the next 32-bit boundary
        break;
      }
      if (o + 2 > end) return null;
      const n = b[o + 1]!;
      if (o + 2 + n > end) return null;
      chunk.items.push({ type, text: utf8.decode(b.subarray(o + 2, o + 2 + n)) });
      o += 2 + n;
    }
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * Parses a (compound) RTCP packet from the first `len` bytes. Returns null if any part is
 * malformed (version, lengths not summing to `len`, padding outside the last packet, counts past
 * the end). Does not require the first packet to be SR/RR (RFC 5506 reduced-size RTCP).
 */
export function parseRtcp(buf: Uint8Array, len: number): RtcpPacket[] | null {
  if (len > buf.length) len = buf.length;
  if (len < 4) return null;
  const out: RtcpPacket[] = [];
  let o = 0;
  while (o < len) {
    if (o + 4 > len) return null;
    const b0 = buf[o]!;
    if (b0 >>> 6 !== 2) return null;
    const count = b0 & 0x1f;
    const pt = buf[o + 1]!;
    const total = (((buf[o + 2]! << 8) | buf[o + 3]!) + 1) * 4;
    if (o + total > len) return null;
    let end = o + total;
    if (b0 & 0x20) {
      if (end !== len) return null; // padding only in the last packet
      const pad = buf[end - 1]!;
      if (pad === 0 || pad > total - 4) return null;
      end -= pad;
    }
    const body = o + 4;
    if (pt === RTCP_SR || pt === RTCP_RR) {
      const fixed = pt === RTCP_SR ? 24 : 4;
      if (body + fixed + 24 * count > end) return null;
      const reports: ReportBlock[] = [];
      for (let i = 0; i < count; i++) reports.push(readReport(buf, body + fixed + 24 * i));
      if (pt === RTCP_SR) {
        const sender: SenderInfo = {
          ntpSec: u32(buf, body + 4),
          ntpFrac: u32(buf, body + 8),
          rtpTimestamp: u32(buf, body + 12),
          packetCount: u32(buf, body + 16),
          octetCount: u32(buf, body + 20),
        };
        out.push({ type: 'sr', ssrc: u32(buf, body), sender, reports });
      } else {
        out.push({ type: 'rr', ssrc: u32(buf, body), reports });
      }
    } else if (pt === RTCP_SDES) {
      const chunks = parseSdes(buf, body, end, count);
      if (!chunks) return null;
      out.push({ type: 'sdes', chunks });
    } else if (pt === RTCP_BYE) {
      if (body + 4 * count > end) return null;
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(u32(buf, body + 4 * i));
      const r = body + 4 * count;
      if (r < end) {
        const n = buf[r]!;
        if (r + 1 + n > end) return null;
        out.push({ type: 'bye', ssrcs, reason: utf8.decode(buf.subarray(r + 1, r + 1 + n)) });
      } else {
        out.push({ type: 'bye', ssrcs });
      }
    } else {
      out.push({ type: 'other', packetType: pt, count, body: buf.slice(body, end) });
    }
    o += total;
  }
  return out;
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

function writeReport(b: Uint8Array, o: number, r: ReportBlock): void {
  put32(b, o, r.ssrc >>> 0);
  const lost = Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost)) & 0xffffff;
  put32(b, o + 4, ((r.fractionLost & 0xff) << 24) | lost);
  put32(b, o + 8, r.highestSeq >>> 0);
  put32(b, o + 12, r.jitter >>> 0);
  put32(b, o + 16, r.lsr >>> 0);
  put32(b, o + 20, r.dlsr >>> 0);
}

function bodyOf(p: RtcpPacket): { pt: number; count: number; body: Uint8Array } {
  switch (p.type) {
    case 'sr':
    case 'rr': {
      const fixed = p.type === 'sr' ? 24 : 4;
      const reports = p.reports.slice(0, 31);
      const b = new Uint8Array(fixed + 24 * reports.length);
      put32(b, 0, p.ssrc >>> 0);
      if (p.type === 'sr') {
        put32(b, 4, p.sender.ntpSec >>> 0);
        put32(b, 8, p.sender.ntpFrac >>> 0);
        put32(b, 12, p.sender.rtpTimestamp >>> 0);
        put32(b, 16, p.sender.packetCount >>> 0);
        put32(b, 20, p.sender.octetCount >>> 0);
      }
      for (let i = 0; i < reports.length; i++) writeReport(b, fixed + 24 * i, reports[i]!);
      return { pt: p.type === 'sr' ? RTCP_SR : RTCP_RR, count: reports.length, body: b };
    }
    case 'sdes': {
      const parts: number[] = [];
      for (const c of p.chunks.slice(0, 31)) {
        parts.push(c.ssrc >>> 24, (c.ssrc >>> 16) & 0xff, (c.ssrc >>> 8) & 0xff, c.ssrc & 0xff);
        for (const it of c.items) {
          const t = utf8enc.encode(it.text).subarray(0, 255);
          parts.push(it.type & 0xff, t.length, ...t);
        }
        parts.push(0);
        while (parts.length % 4 !== 0) parts.push(0);
      }
      return { pt: RTCP_SDES, count: Math.min(31, p.chunks.length), body: Uint8Array.from(parts) };
    }
    case 'bye': {
      const ssrcs = p.ssrcs.slice(0, 31);
      const parts: number[] = [];
      for (const s of ssrcs) parts.push(s >>> 24, (s >>> 16) & 0xff, (s >>> 8) & 0xff, s & 0xff);
      if (p.reason !== undefined) {
        const t = utf8enc.encode(p.reason).subarray(0, 255);
        parts.push(t.length, ...t);
        while (parts.length % 4 !== 0) parts.push(0);
      }
      return { pt: RTCP_BYE, count: ssrcs.length, body: Uint8Array.from(parts) };
    }
    case 'other':
      return { pt: p.packetType, count: p.count & 0x1f, body: p.body };
  }
}

/** Serializes packets into one compound packet (no padding, no encryption). */
export function serializeRtcp(packets: RtcpPacket[]): Uint8Array {
  const bodies = packets.map(bodyOf);
  const size = bodies.reduce((n, b) => n + 4 + ((b.body.length + 3) & ~3), 0);
  const out = new Uint8Array(size);
  let o = 0;
  for (const b of bodies) {
    const words = (b.body.length + 3) >>> 2;
    out[o] = 0x80 | b.count;
    out[o + 1] = b.pt;
    out[o + 2] = (words >>> 8) & 0xff;
    out[o + 3] = words & 0xff;
    out.set(b.body, o + 4);
    o += 4 + words * 4;
  }
  return out;
}

export { msToNtp, ntpMiddle, roundTripMs } from './ntp.js';
export { RtpReceiverStats, RtpSenderStats } from './rtp-stats.js';
