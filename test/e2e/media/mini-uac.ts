/**
 * A minimal SIP UAC over UDP on 127.0.0.1 for media tests: sends one INVITE with our SDP, ACKs the
 * 200 OK and returns the callee's media address; answers the callee's BYE. (The real B2BUA is the
 * SIP module's job; this only gets a real callee's RTP flowing to one of our endpoints.)
 */
import dgram from 'node:dgram';
import { type OfferedMedia, parseSdp } from './mini-uas.js';

export class MiniUac {
  readonly socket: dgram.Socket;
  byeReceived = false;

  private constructor(socket: dgram.Socket) {
    this.socket = socket;
  }

  static async open(port: number): Promise<MiniUac> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((res, rej) => {
      s.once('error', rej);
      s.bind(port, '127.0.0.1', () => res());
    });
    return new MiniUac(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** INVITEs `target` (127.0.0.1:port) offering PCMU on `mediaPort`; resolves with the answer's media. */
  invite(targetPort: number, mediaPort: number, timeoutMs = 5000): Promise<OfferedMedia> {
    const sdp = [
      'v=0',
      'o=switchboard 1 1 IN IP4 127.0.0.1',
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${mediaPort} RTP/AVP 0`,
      'a=rtpmap:0 PCMU/8000',
      'a=sendrecv',
      '',
    ].join('\r\n');
    const common = [
      `From: <sip:switchboard@127.0.0.1:${this.port}>;tag=swbuac`,
      `Call-ID: uac-${mediaPort}@127.0.0.1`,
      'Max-Forwards: 70',
    ];
    const invite = [
      `INVITE sip:callee@127.0.0.1:${targetPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bKinv${mediaPort};rport`,
      ...common,
      `To: <sip:callee@127.0.0.1:${targetPort}>`,
      'CSeq: 1 INVITE',
      `Contact: <sip:switchboard@127.0.0.1:${this.port}>`,
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(sdp)}`,
      '',
      sdp,
    ].join('\r\n');
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        if (!done) reject(new Error('no 200 OK from the callee'));
      }, timeoutMs);
      this.socket.on('message', (m, rinfo) => {
        const text = m.toString('utf8');
        const [head = '', body = ''] = text.split('\r\n\r\n');
        const lines = head.split('\r\n');
        if (lines[0]!.startsWith('BYE ')) {
          this.byeReceived = true;
          const keep = lines.filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
          this.socket.send(
            ['SIP/2.0 200 OK', ...keep, 'Content-Length: 0', '', ''].join('\r\n'),
            rinfo.port,
            rinfo.address,
          );
          return;
        }
        if (done || !lines[0]!.startsWith('SIP/2.0 200')) return;
        done = true;
        clearTimeout(timer);
        const to = lines.find((l) => /^To:/i.test(l)) ?? '';
        const ack = [
          `ACK sip:callee@127.0.0.1:${targetPort} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bKack${mediaPort};rport`,
          ...common,
          to,
          'CSeq: 1 ACK',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        this.socket.send(ack, targetPort, '127.0.0.1');
        try {
          resolve(parseSdp(body));
        } catch (e) {
          reject(e);
        }
      });
      this.socket.send(invite, targetPort, '127.0.0.1');
    });
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}
