/**
 * A carrier on a raw UDP socket, for toll-fraud tests: records every INVITE that reaches it (the
 * Request-URI and headers are what the tests judge), answers 180 at once and 200 either at once
 * or when the test lets it (to hold calls up for concurrency limits), answers BYE and CANCEL.
 * Retransmitted requests get the last answer again.
 */
import dgram from 'node:dgram';

export interface CarriedInvite {
  callId: string;
  requestUri: string;
  /** Header lines as received. */
  headers: string[];
  header(name: string): string[];
}

interface Pending {
  base: string[];
  rinfo: dgram.RemoteInfo;
  answered: boolean;
}

export class RawCarrier {
  readonly invites: CarriedInvite[] = [];
  /** 'answer': 200 right after 180; 'hold': 180 only, until answerHeld(). */
  mode: 'answer' | 'hold' = 'answer';
  readonly #calls = new Map<string, Pending>();
  readonly #last = new Map<string, string>();
  #waiters: (() => void)[] = [];

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (buf, rinfo) => this.#onMessage(buf.toString('utf8'), rinfo));
  }

  static async open(port = 0): Promise<RawCarrier> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((res, rej) => {
      s.once('error', rej);
      s.bind(port, '127.0.0.1', () => res());
    });
    return new RawCarrier(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Resolves once `n` distinct INVITEs arrived, or rejects after `ms`. */
  async waitForInvites(n: number, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.invites.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`carrier saw ${this.invites.length} INVITE(s), expected ${n}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Answers every held call with 200 OK. */
  answerHeld(): void {
    for (const [callId, p] of this.#calls) if (!p.answered) this.#answer(callId, p);
  }

  #send(msg: string, rinfo: dgram.RemoteInfo): void {
    this.socket.send(msg, rinfo.port, rinfo.address);
  }

  #answer(callId: string, p: Pending): void {
    p.answered = true;
    const sdp = ['v=0', 'o=carrier 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
    sdp.push('m=audio 49170 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', '');
    const body = sdp.join('\r\n');
    const ok = [
      'SIP/2.0 200 OK',
      ...p.base,
      `Contact: <sip:carrier@127.0.0.1:${this.port}>`,
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
    this.#last.set(`${callId}|INVITE`, ok);
    this.#send(ok, p.rinfo);
  }

  #onMessage(msg: string, rinfo: dgram.RemoteInfo): void {
    const head = msg.split('\r\n\r\n')[0] ?? '';
    const lines = head.split('\r\n');
    const start = lines[0] ?? '';
    const [method = '', uri = ''] = start.split(' ');
    if (method === 'ACK' || method.startsWith('SIP/')) return;
    const hdr = (name: string) => lines.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
    const callId = (hdr('Call-ID')[0] ?? '').replace(/^call-id:\s*/i, '');
    const key = `${callId}|${method}`;
    const again = this.#last.get(key);
    if (again && method === 'INVITE') {
      this.#send(again, rinfo);
      return;
    }
    const to = hdr('To')[0] ?? 'To: <sip:unknown@invalid>';
    const base = [
      ...hdr('Via'),
      ...hdr('From'),
      /;\s*tag=/i.test(to) ? to : `${to};tag=carrier-${this.invites.length + 1}`,
      `Call-ID: ${callId}`,
      ...hdr('CSeq'),
    ];
    if (method === 'INVITE') {
      const headers = lines.slice(1);
      this.invites.push({
        callId,
        requestUri: uri,
        headers,
        header: (n) =>
          headers
            .filter((l) => l.toLowerCase().startsWith(`${n.toLowerCase()}:`))
            .map((l) => l.slice(l.indexOf(':') + 1).trim()),
      });
      for (const w of this.#waiters.splice(0)) w();
      const ringing = ['SIP/2.0 180 Ringing', ...base, 'Content-Length: 0', '', ''].join('\r\n');
      this.#last.set(key, ringing);
      this.#send(ringing, rinfo);
      const p: Pending = { base, rinfo, answered: false };
      this.#calls.set(callId, p);
      if (this.mode === 'answer') this.#answer(callId, p);
      return;
    }
    if (method === 'CANCEL') {
      this.#send(['SIP/2.0 200 OK', ...base, 'Content-Length: 0', '', ''].join('\r\n'), rinfo);
      const p = this.#calls.get(callId);
      if (p && !p.answered) {
        p.answered = true;
        this.#send(
          ['SIP/2.0 487 Request Terminated', ...p.base, 'Content-Length: 0', '', ''].join('\r\n'),
          p.rinfo,
        );
      }
      return;
    }
    // BYE and anything else: 200
    this.#send(['SIP/2.0 200 OK', ...base, 'Content-Length: 0', '', ''].join('\r\n'), rinfo);
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}
