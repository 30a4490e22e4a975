/**
 * A plain RTP endpoint inside a media worker: an RTP/RTCP UDP socket pair, symmetric RTP
 * latching, validation with drop counters (shared leg logic in media-leg.ts).
 *
 * Packet path (no allocation of ours per packet): Node hands us a Buffer; we parse the header in
 * place, check source/SSRC/PT, update receive stats, give the payload to the input taps
 * (recorder, DTMF) and hand the same Buffer to the sink (a bridge), which re-stamps it in place
 * and sends it out of the other leg. After latching, the socket is connected to the latched
 * source, so the kernel filters other senders and sends take the connected fast path.
 *
 * Except when that would move the socket's local address. A socket bound to the wildcard takes,
 * on connect(), the local address of the route back to the source; from then on the kernel
 * delivers it only packets addressed to that one. On a host with several addresses the peer
 * sends to the address our SDP announced, which need not be the one the route back leaves from
 * (a VPN, a second interface, 127.0.0.1 vs 127.0.0.2): connecting would drop all its audio after
 * the first 200 ms. So with a wildcard bind we first ask the kernel which local address it would
 * pick (a throwaway socket connected to the source) and connect only when that is the announced
 * address; otherwise the endpoint stays unconnected (sources are still filtered here, sends carry
 * the address).
 */
import dgram from 'node:dgram';
import { SwbError } from '../../kernel/errors.js';
import type { EndpointStats, RtpRemote } from '../media-types.js';
import { type EndpointEmit, MAX_RTP_PACKET, MediaLeg } from './media-leg.js';
import { RtcpSession } from './rtcp-session.js';

export { MAX_RTP_PACKET, type PacketSink, type PayloadTap } from './media-leg.js';

/**
 * A latch is confirmed (the socket connected to the source, so the kernel filters other senders)
 * after this long; until then a packet from the exact SDP address re-latches.
 */
export const LATCH_CONFIRM_MS = 200;
/** A new SSRC from the latched source is accepted once the current one has been quiet this long. */
export const SSRC_SWITCH_MS = 100;

export interface RtpEndpointOptions {
  id: string;
  now: () => number;
  emit: EndpointEmit;
  noRtpTimeoutMs?: number;
  rtcpIntervalMs?: number;
}

export class RtpEndpoint extends MediaLeg {
  rtpPort = 0;
  readonly rtcp: RtcpSession;
  readonly #opts: RtpEndpointOptions;
  #rtp: dgram.Socket | null = null;
  #rtcp: dgram.Socket | null = null;
  #sdpAddress = '';
  #sdpPort = 0;
  #latchedAddress = '';
  #latchedPort = 0;
  #connected = false;
  /** The latched source would move our local address off the announced one: stay unconnected. */
  #declined = false;
  #bindAddress = '';
  #announcedAddress = '';
  /** The source latched before the last setRemote that moved the far end (ignored for latching). */
  #staleAddress = '';
  #stalePort = 0;
  #latchedAtMs = 0;
  /** A connect() is in flight (its callback settles #connected or undoes a stale connect). */
  #connecting = false;
  #ssrcIn = -1;
  #lastRtpMs = 0;
  #timedOut = false;

  constructor(opts: RtpEndpointOptions) {
    super(opts.id, opts.emit);
    this.#opts = opts;
    this.rtcp = new RtcpSession(this, opts.rtcpIntervalMs ?? 5000);
  }

  /**
   * Binds RTP on `rtpPort` and RTCP on `rtpPort + 1`; throws SWB_MEDIA_PORT_IN_USE if either fails.
   * `announcedAddress` is the address our SDP gives peers (where their packets arrive).
   */
  async open(bindAddress: string, rtpPort: number, announcedAddress = ''): Promise<void> {
    const rtp = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 18 } as dgram.SocketOptions);
    const rtcp = dgram.createSocket('udp4');
    try {
      await bind(rtp, rtpPort, bindAddress);
      await bind(rtcp, rtpPort + 1, bindAddress);
    } catch (err) {
      rtp.close();
      rtcp.close();
      throw new SwbError('SWB_MEDIA_PORT_IN_USE', { port: rtpPort }, { cause: err });
    }
    this.#rtp = rtp;
    this.#rtcp = rtcp;
    this.rtpPort = rtpPort;
    this.#bindAddress = bindAddress;
    this.#announcedAddress = announcedAddress;
    rtp.on('message', (buf, rinfo) => this.#onRtp(buf, rinfo));
    rtcp.on('message', (buf, rinfo) => this.#onRtcp(buf, rinfo));
    // ICMP errors on connected sockets surface as 'error' events: never crash
    rtp.on('error', () => {});
    rtcp.on('error', () => {});
  }

  /** (Re)sets the far end from SDP. Unlatches: the next valid packet from anywhere latches again. */
  setRemote(r: RtpRemote): void {
    // the far end moved (transfer, new media address): packets still in flight from the source we
    // were latched to must not latch the leg again; an unchanged SDP (hold/unhold behind a NAT)
    // keeps that source acceptable
    const moved = r.address !== this.#sdpAddress || r.port !== this.#sdpPort;
    this.#staleAddress = moved ? this.#latchedAddress : '';
    this.#stalePort = moved ? this.#latchedPort : 0;
    this.codec = r.codec;
    this.telephoneEventPt = r.telephoneEventPt ?? -1;
    this.#sdpAddress = r.address;
    this.#sdpPort = r.port;
    this.#latchedAddress = '';
    this.#latchedPort = 0;
    this.#ssrcIn = -1;
    this.#declined = false;
    if (this.#connected) {
      this.#connected = false;
      try {
        this.#rtp?.disconnect();
      } catch {
        // not connected after all
      }
    }
    this.remoteSet = true;
    this.#timedOut = false;
    this.#lastRtpMs = this.#opts.now();
    this.recv.reset();
    this.out.sourceChanged();
  }

  get latched(): { address: string; port: number } | null {
    return this.#latchedAddress ? { address: this.#latchedAddress, port: this.#latchedPort } : null;
  }

  get ssrcIn(): number | null {
    return this.#ssrcIn >= 0 ? this.#ssrcIn : null;
  }

  /** Where RTCP goes: latched source port + 1, else SDP port + 1. */
  get rtcpDestination(): { address: string; port: number } | null {
    if (!this.remoteSet) return null;
    return this.#latchedAddress
      ? { address: this.#latchedAddress, port: this.#latchedPort + 1 }
      : { address: this.#sdpAddress, port: this.#sdpPort + 1 };
  }

  #onRtp(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    const len = buf.length;
    if (!this.parse(buf, len)) return;
    const h = this.header;
    if (this.#latchedPort === 0) {
      if (rinfo.port === this.#stalePort && rinfo.address === this.#staleAddress) {
        this.counters.droppedWrongSource++;
        return;
      }
      this.#latch(rinfo.address, rinfo.port, h.ssrc);
    } else if (rinfo.port !== this.#latchedPort || rinfo.address !== this.#latchedAddress) {
      // until the latch is confirmed (socket connected), the address the SDP names wins over a
      // stray first packet (a late one from the old peer, say); behind a NAT it never shows up
      if (
        !this.#connected &&
        !this.#declined &&
        !this.#connecting &&
        rinfo.port === this.#sdpPort &&
        rinfo.address === this.#sdpAddress
      ) {
        this.#latch(rinfo.address, rinfo.port, h.ssrc);
      } else {
        this.counters.droppedWrongSource++;
        return;
      }
    } else if (h.ssrc !== this.#ssrcIn) {
      // a second stream interleaved with the current one is dropped; a peer that switched
      // streams (new SSRC after the old one went quiet) is followed
      if (this.#opts.now() - this.#lastRtpMs < SSRC_SWITCH_MS) {
        this.counters.droppedWrongSsrc++;
        return;
      }
      this.#ssrcIn = h.ssrc;
      this.recv.reset();
    }
    const now = this.#opts.now();
    this.#lastRtpMs = now;
    this.#timedOut = false;
    if (!this.#connected && !this.#declined && now - this.#latchedAtMs >= LATCH_CONFIRM_MS) {
      this.#connectToLatched();
    }
    this.accept(buf, len, now);
  }

  #latch(address: string, port: number, ssrc: number): void {
    this.#latchedAddress = address;
    this.#latchedPort = port;
    this.#ssrcIn = ssrc;
    this.#declined = false;
    this.#latchedAtMs = this.#opts.now();
    this.recv.reset();
    this.emit('endpoint-latched', { address, port, ssrc });
  }

  /**
   * Connects the socket to the latched source (when that keeps the announced local address). A
   * re-INVITE can unlatch while a connect is in flight: the callback then disconnects (a socket
   * connected to the old peer would refuse sends to the new one) and connects again if a new
   * source has latched meanwhile.
   */
  #connectToLatched(): void {
    const sock = this.#rtp;
    if (!sock || this.#connecting || this.#connected || this.#latchedPort === 0) return;
    const port = this.#latchedPort;
    const address = this.#latchedAddress;
    const stillLatched = () => this.#latchedPort === port && this.#latchedAddress === address;
    this.#connecting = true;
    void this.#keepsLocalAddress(address, port).then((keeps) => {
      if (this.closed) return;
      if (!stillLatched()) {
        this.#connecting = false;
        this.#connectToLatched();
        return;
      }
      if (!keeps) {
        this.#connecting = false;
        this.#declined = true;
        this.counters.connectDeclined++;
        return;
      }
      sock.connect(port, address, (err?: Error) => {
        this.#connecting = false;
        if (err || this.closed) return;
        if (stillLatched()) {
          this.#connected = true;
          return;
        }
        try {
          sock.disconnect();
        } catch {
          // already disconnected
        }
        this.#connectToLatched();
      });
    });
  }

  /**
   * Whether connecting to `address:port` leaves the socket's local address where peers send.
   * A socket bound to one address keeps it; one bound to the wildcard would take the source
   * address of the route back, which a throwaway socket connected the same way reveals.
   */
  #keepsLocalAddress(address: string, port: number): Promise<boolean> {
    const wildcard = this.#bindAddress === '0.0.0.0' || this.#bindAddress === '::';
    if (!wildcard || !this.#announcedAddress) return Promise.resolve(true);
    return new Promise((resolve) => {
      const probe = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
      const done = (keeps: boolean) => {
        try {
          probe.close();
        } catch {
          // closed already
        }
        resolve(keeps);
      };
      probe.on('error', () => done(false));
      probe.connect(port, address, (err?: Error) => {
        if (err) done(false);
        else done(probe.address().address === this.#announcedAddress);
      });
    });
  }

  protected transmit(pkt: Buffer, len: number): void {
    const sock = this.#rtp;
    if (!sock) return;
    if (this.#connected) {
      if (len === pkt.length) sock.send(pkt);
      else sock.send(pkt, 0, len);
      return;
    }
    // with an address, Node resolves it (even an IP literal) before sending, on a later tick:
    // send a copy, the caller's buffer is reused meanwhile (only until the socket is connected)
    const copy = Buffer.from(pkt.subarray(0, len));
    if (this.#latchedPort !== 0) sock.send(copy, this.#latchedPort, this.#latchedAddress);
    else sock.send(copy, this.#sdpPort, this.#sdpAddress);
  }

  #onRtcp(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    if (!this.remoteSet || buf.length > MAX_RTP_PACKET) return;
    if (this.#latchedPort !== 0 && rinfo.address !== this.#latchedAddress) return;
    if (this.rtcp.receive(buf, this.#opts.now())) this.counters.rtcpIn++;
    else this.counters.droppedMalformed++;
  }

  sendRtcp(pkt: Uint8Array, len: number): void {
    const dst = this.rtcpDestination;
    if (!dst || !this.#rtcp) return;
    this.counters.rtcpOut++;
    this.#rtcp.send(pkt, 0, len, dst.port, dst.address);
  }

  /** Called on the worker's tick: no-RTP timeout and RTCP reports. */
  tick(nowMs: number): void {
    if (this.closed || !this.remoteSet) return;
    const timeout = this.#opts.noRtpTimeoutMs ?? 0;
    if (timeout > 0 && !this.#timedOut && nowMs - this.#lastRtpMs >= timeout) {
      this.#timedOut = true;
      this.emit('endpoint-timeout', { silentMs: Math.round(nowMs - this.#lastRtpMs) });
    }
    this.rtcp.tick(nowMs);
  }

  stats(): EndpointStats {
    return {
      counters: { ...this.counters },
      quality: this.rtcp.quality(),
      latched: this.latched,
      ssrcIn: this.ssrcIn,
      ssrcOut: this.out.ssrc,
    };
  }

  override close(): void {
    if (this.closed) return;
    super.close();
    this.#rtp?.close();
    this.#rtcp?.close();
    this.#rtp = null;
    this.#rtcp = null;
  }
}

function bind(sock: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    sock.once('error', onError);
    sock.bind({ port, address, exclusive: true }, () => {
      sock.off('error', onError);
      resolve();
    });
  });
}
