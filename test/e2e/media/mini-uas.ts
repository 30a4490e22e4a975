/**
 * A minimal SIP UAS over UDP on 127.0.0.1 for media tests (the real B2BUA lives in src/sip):
 * answers INVITE with 200 OK carrying an SDP that points at one of our media endpoints, answers
 * BYE with 200 OK, ignores ACK. Retransmitted INVITEs get the same answer.
 */
import dgram from 'node:dgram';

export interface OfferedMedia {
  address: string;
  port: number;
  payloadTypes: number[];
  telephoneEventPt?: number;
}

export interface UasCallbacks {
  /** Called once per new INVITE: returns the media port to answer with. */
  onInvite(offer: OfferedMedia): Promise<{ port: number; telephoneEventPt?: number }>;
  onBye?(): void;
}

export function parseSdp(sdp: string): OfferedMedia {
  const c = /^c=IN IP4 (\S+)/m.exec(sdp);
  const m = /^m=audio (\d+) RTP\/AVP ([\d ]+)/m.exec(sdp);
  if (!c || !m) throw new Error('no audio in SDP');
  const te = /^a=rtpmap:(\d+) telephone-event\/8000/m.exec(sdp);
  return {
    address: c[1]!,
    port: Number(m[1]),
    payloadTypes: m[2]!.trim().split(/\s+/).map(Number),
    ...(te ? { telephoneEventPt: Number(te[1]) } : {}),
  };
}

export class MiniUas {
  readonly socket: dgram.Socket;
  readonly #cb: UasCallbacks;
  readonly #answers = new Map<string, Promise<string>>();
  readonly log: string[] = [];

  private constructor(socket: dgram.Socket, cb: UasCallbacks) {
    this.socket = socket;
    this.#cb = cb;
    socket.on('message', (buf, rinfo) => void this.#onMessage(buf.toString('utf8'), rinfo));
  }

  static async open(port: number, cb: UasCallbacks): Promise<MiniUas> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((res, rej) => {
      s.once('error', rej);
      s.bind(port, '127.0.0.1', () => res());
    });
    return new MiniUas(s, cb);
  }

  get port(): number {
    return this.socket.address().port;
  }

  async #onMessage(msg: string, rinfo: dgram.RemoteInfo): Promise<void> {
    const [head = '', body = ''] = msg.split('\r\n\r\n');
    const lines = head.split('\r\n');
    const method = lines[0]!.split(' ')[0]!;
    this.log.push(method);
    if (method === 'ACK' || method.startsWith('SIP/')) return;
    const hdr = (name: string) => lines.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    const callId = hdr('Call-ID')[0] ?? '';
    const base = [...hdr('Via'), ...hdr('From'), `${hdr('To')[0]};tag=swbtest`, callId, ...hdr('CSeq')];
    let reply: string;
    if (method === 'INVITE') {
      let answer = this.#answers.get(callId);
      if (!answer) {
        answer = this.#answer(body, base);
        this.#answers.set(callId, answer);
      }
      reply = await answer;
    } else {
      if (method === 'BYE') this.#cb.onBye?.();
      reply = ['SIP/2.0 200 OK', ...base, 'Content-Length: 0', '', ''].join('\r\n');
    }
    this.socket.send(reply, rinfo.port, rinfo.address);
  }

  async #answer(body: string, base: string[]): Promise<string> {
    const ans = await this.#cb.onInvite(parseSdp(body));
    const te = ans.telephoneEventPt;
    const sdp = [
      'v=0',
      'o=switchboard 1 1 IN IP4 127.0.0.1',
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${ans.port} RTP/AVP 0${te !== undefined ? ` ${te}` : ''}`,
      'a=rtpmap:0 PCMU/8000',
      ...(te !== undefined ? [`a=rtpmap:${te} telephone-event/8000`, `a=fmtp:${te} 0-15`] : []),
      'a=sendrecv',
      '',
    ].join('\r\n');
    return [
      'SIP/2.0 200 OK',
      ...base,
      `Contact: <sip:uas@127.0.0.1:${this.port}>`,
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(sdp)}`,
      '',
      sdp,
    ].join('\r\n');
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}
