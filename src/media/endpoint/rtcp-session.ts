/**
 * RTCP for one endpoint (RFC 3550 §6): every interval, a compound SR (or RR if we sent nothing)
 * + SDES CNAME with one report block about the stream we receive; incoming SR/RR are parsed for
 * the far end's view of our stream (fraction lost, cumulative lost, jitter) and the round trip
 * (LSR/DLSR). Each report also raises an 'rtcp-stats' event with the leg's loss and jitter.
 *
 *  SR:  |V=2|P|RC|PT=200|length| SSRC | NTP msw | NTP lsw | RTP ts | packets | octets | blocks
 *  RR:  |V=2|P|RC|PT=201|length| SSRC | blocks
 *  block: SSRC | fraction(8) cumulative lost(24) | ext. highest seq | jitter | LSR | DLSR
 */
import type { LegQuality } from '../media-types.js';
import { parseRtcp } from '../rtp/rtcp.js';
import type { RtpEndpoint } from './rtp-endpoint.js';

const NTP_EPOCH_OFFSET_S = 2208988800;
const CNAME = 'switchboard';

function ntpParts(wallMs: number): { msw: number; lsw: number; mid: number } {
  const secs = Math.floor(wallMs / 1000) + NTP_EPOCH_OFFSET_S;
  const frac = Math.floor(((wallMs % 1000) / 1000) * 0x100000000) >>> 0;
  return { msw: secs >>> 0, lsw: frac, mid: (((secs & 0xffff) << 16) | (frac >>> 16)) >>> 0 };
}

export class RtcpSession {
  readonly #ep: RtpEndpoint;
  readonly #intervalMs: number;
  readonly #buf = Buffer.alloc(256);
  #nextReportMs = -1;
  #lastSrMid = 0;
  #lastSrArrivalMs = 0;
  #remote: LegQuality['remote'] | undefined;
  #fractionLost = 0;

  constructor(ep: RtpEndpoint, intervalMs: number) {
    this.#ep = ep;
    this.#intervalMs = intervalMs;
  }

  /** RFC 3550 §6.3.1: 0.5–1.5 × the interval, so legs set up together do not report in one burst. */
  #randomInterval(): number {
    return this.#intervalMs * (0.5 + Math.random());
  }

  quality(): LegQuality {
    const r = this.#ep.recv;
    const expected = r.expected;
    const q: LegQuality = {
      packetsReceived: r.received,
      packetsLost: r.lost,
      lossFraction: expected > 0 ? r.lost / expected : 0,
      jitterMs: Math.round(r.jitterMs * 100) / 100,
    };
    if (this.#remote) q.remote = { ...this.#remote };
    return q;
  }

  tick(nowMs: number): void {
    if (this.#nextReportMs < 0) {
      this.#nextReportMs = nowMs + this.#randomInterval();
      return;
    }
    if (nowMs < this.#nextReportMs) return;
    this.#nextReportMs = nowMs + this.#randomInterval();
    const len = this.build(nowMs);
    this.#ep.sendRtcp(this.#buf, len);
    this.#ep.emit('rtcp-stats', this.quality());
  }

  /** Writes the compound report into the internal buffer; returns its length. */
  build(nowMs: number): number {
    const b = this.#buf;
    const ep = this.#ep;
    const r = ep.recv;
    const hasBlock = r.received > 0;
    const sender = ep.out.packets > 0;
    let o = 0;
    b[o] = 0x80 | (hasBlock ? 1 : 0);
    b[o + 1] = sender ? 200 : 201;
    const words = (sender ? 6 : 1) + (hasBlock ? 6 : 0);
    b.writeUInt16BE(words, o + 2);
    b.writeUInt32BE(ep.out.ssrc, o + 4);
    o += 8;
    if (sender) {
      const ntp = ntpParts(performance.timeOrigin + nowMs);
      b.writeUInt32BE(ntp.msw, o);
      b.writeUInt32BE(ntp.lsw, o + 4);
      b.writeUInt32BE(ep.out.lastRtpTs >>> 0, o + 8);
      b.writeUInt32BE(ep.out.packets >>> 0, o + 12);
      b.writeUInt32BE(ep.out.octets >>> 0, o + 16);
      o += 20;
    }
    if (hasBlock) {
      const ssrcIn = ep.ssrcIn ?? 0;
      this.#fractionLost = r.takeFractionLost();
      b.writeUInt32BE(ssrcIn >>> 0, o);
      b.writeUInt32BE(((this.#fractionLost << 24) | (Math.min(r.lost, 0x7fffff) & 0xffffff)) >>> 0, o + 4);
      b.writeUInt32BE(r.extendedMaxSeq >>> 0, o + 8);
      b.writeUInt32BE(r.jitterTs >>> 0, o + 12);
      b.writeUInt32BE(this.#lastSrMid, o + 16);
      const dlsr = this.#lastSrMid ? Math.round(((nowMs - this.#lastSrArrivalMs) / 1000) * 65536) : 0;
      b.writeUInt32BE(dlsr >>> 0, o + 20);
      o += 24;
    }
    // SDES with one CNAME chunk, padded to 32 bits
    const sdesStart = o;
    b[o] = 0x81;
    b[o + 1] = 202;
    b.writeUInt32BE(ep.out.ssrc, o + 4);
    b[o + 8] = 1;
    b[o + 9] = CNAME.length;
    b.write(CNAME, o + 10, 'ascii');
    o += 10 + CNAME.length;
    do b[o++] = 0;
    while ((o - sdesStart) % 4 !== 0);
    b.writeUInt16BE((o - sdesStart) / 4 - 1, sdesStart + 2);
    return o;
  }

  /** Parses a compound RTCP packet from the far end (shared parser). Malformed input is ignored. */
  receive(buf: Buffer, nowMs: number): boolean {
    const packets = parseRtcp(buf, buf.length);
    if (!packets) return false;
    const ours = this.#ep.out.ssrc;
    for (const p of packets) {
      if (p.type === 'sr') {
        this.#lastSrMid = (((p.sender.ntpSec & 0xffff) << 16) | (p.sender.ntpFrac >>> 16)) >>> 0;
        this.#lastSrArrivalMs = nowMs;
      }
      if (p.type !== 'sr' && p.type !== 'rr') continue;
      for (const b of p.reports) {
        if (b.ssrc !== ours) continue;
        const remote: NonNullable<LegQuality['remote']> = {
          fractionLost: b.fractionLost / 256,
          cumulativeLost: b.cumulativeLost,
          jitterMs: b.jitter / 8,
        };
        if (b.lsr !== 0) {
          const a = ntpParts(performance.timeOrigin + nowMs).mid;
          const rtt = (((a - b.lsr - b.dlsr) >>> 0) / 65536) * 1000;
          if (rtt < 60_000) remote.rttMs = Math.round(rtt * 10) / 10;
        }
        this.#remote = remote;
      }
    }
    return true;
  }
}
