/**
 * A minimal SIP client over a real TCP, TLS or WebSocket connection from a chosen local
 * address (127.0.0.x), for attacks and probes from outside the process: it frames what the
 * server sends, answers nothing by itself, and tells when the server closed the connection.
 */

import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { parseChallenge, serializeCredentials } from '../../../src/sip/digest/auth-header.js';
import { computeResponse } from '../../../src/sip/digest/digest.js';
import { getHeader, type SipResponse } from '../../../src/sip/message.js';
import { parseMessage } from '../../../src/sip/parser.js';
import { StreamFramer } from '../../../src/sip/transport/framer.js';
import { until } from '../../support/wait-for.js';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: the ws package ships no types here
const WebSocket = require('ws') as any;

export type Kind = 'tcp' | 'tls' | 'ws';

export interface Target {
  kind: Kind;
  port: number;
  /** Local (source) address of the connection, e.g. 127.0.0.5. */
  from: string;
}

/** Resolves when `pred` holds; rejects after `ms` with what it waited for (the one `until`). */
export async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  await until(what, pred, { deadlineMs: ms, everyMs: 10 });
}

/** A raw TCP connection that completes the TCP handshake and then sends nothing (half-open SIP). */
export function silentSocket(port: number, from: string): Promise<{ socket: Socket; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let isClosed = false;
    const socket = netConnect({ host: '127.0.0.1', port, localAddress: from });
    socket.on('error', () => {}); // a reset from the server is the expected outcome
    socket.on('close', () => {
      isClosed = true;
    });
    socket.once('connect', () => resolve({ socket, closed: () => isClosed }));
    socket.once('error', (e) => (socket.connecting ? reject(e) : undefined));
  });
}

export class SipClient {
  readonly kind: Kind;
  readonly from: string;
  closed = false;
  readonly #framer = new StreamFramer(65_535);
  readonly #waiters: ((r: SipResponse | 'pong') => void)[] = [];
  #socket: Socket | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: ws instance
  #ws: any;
  #cseq = 1;
  readonly callId = `${randomBytes(6).toString('hex')}@test`;
  readonly tag = randomBytes(4).toString('hex');
  readonly localPort: () => number;

  private constructor(kind: Kind, from: string, localPort: () => number) {
    this.kind = kind;
    this.from = from;
    this.localPort = localPort;
  }

  static open(t: Target): Promise<SipClient> {
    return new Promise((resolve, reject) => {
      if (t.kind === 'ws') {
        const ws = new WebSocket(`ws://127.0.0.1:${t.port}`, 'sip', { localAddress: t.from });
        const c = new SipClient('ws', t.from, () => ws._socket?.localPort ?? 0);
        c.#ws = ws;
        ws.on('message', (data: Buffer) => c.#deliver(parseMessage(Buffer.from(data)) as SipResponse));
        let ready = false;
        ws.on('close', () => {
          c.closed = true;
          if (!ready) reject(new Error('closed before the WebSocket opened'));
        });
        ws.on('error', (e: Error) => (ready ? undefined : reject(e)));
        ws.once('open', () => {
          ready = true;
          resolve(c);
        });
        return;
      }
      const socket =
        t.kind === 'tls'
          ? tlsConnect({
              socket: netConnect({ host: '127.0.0.1', port: t.port, localAddress: t.from }),
              rejectUnauthorized: false,
            })
          : netConnect({ host: '127.0.0.1', port: t.port, localAddress: t.from });
      const c = new SipClient(t.kind, t.from, () => socket.localPort ?? 0);
      c.#socket = socket;
      socket.on('data', (data: Buffer) => {
        let chunk = data;
        // server → client, a CRLF at a message boundary is the pong (RFC 5626 4.4.1)
        while (c.#framer.pending === 0 && chunk[0] === 0x0d && chunk[1] === 0x0a) {
          c.#deliver('pong');
          chunk = chunk.subarray(2);
        }
        for (const f of c.#framer.push(chunk)) {
          if (f.kind === 'message') c.#deliver(parseMessage(f.data, { stream: true }) as SipResponse);
          else if (f.kind === 'pong') c.#deliver('pong');
        }
      });
      let ready = false;
      socket.on('error', (e) => (ready ? undefined : reject(e)));
      socket.on('close', () => {
        c.closed = true;
        if (!ready) reject(new Error('closed before the connection was ready'));
      });
      socket.once(t.kind === 'tls' ? 'secureConnect' : 'connect', () => {
        ready = true;
        resolve(c);
      });
    });
  }

  /** Send raw bytes (or a WebSocket text frame). */
  write(data: string): void {
    if (this.#ws) this.#ws.send(data);
    else this.#socket!.write(data);
  }

  /** RFC 5626 CRLFCRLF ping; resolves on the server's CRLF pong (streams only). */
  async ping(ms = 5000): Promise<void> {
    const got = this.#next(ms);
    this.write('\r\n\r\n');
    if ((await got) !== 'pong') throw new Error('expected a pong');
  }

  /** Send a request (To = `to` or the Request-URI) and wait for its final response. */
  async request(
    method: string,
    uri: string,
    o: { extra?: string[]; to?: string; fromUser?: string; ms?: number } = {},
  ): Promise<SipResponse> {
    const ms = o.ms ?? 5000;
    const transport = this.kind === 'ws' ? 'WS' : this.kind.toUpperCase();
    const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    const text =
      `${method} ${uri} SIP/2.0\r\n` +
      `Via: SIP/2.0/${transport} ${this.from}:${this.localPort()};branch=${branch};rport\r\n` +
      'Max-Forwards: 70\r\n' +
      `From: <${o.fromUser ?? `sip:probe@${this.from}`}>;tag=${this.tag}\r\n` +
      `To: <${o.to ?? uri}>\r\n` +
      `Call-ID: ${this.callId}\r\n` +
      `CSeq: ${this.#cseq++} ${method}\r\n` +
      (o.extra ?? []).map((h) => `${h}\r\n`).join('') +
      'Content-Length: 0\r\n\r\n';
    for (;;) {
      const got = this.#next(ms);
      this.write(text);
      const r = await got;
      if (r === 'pong') continue;
      if (r.status >= 200) return r;
      // provisional: wait for the final one
      for (;;) {
        const f = await this.#next(ms);
        if (f !== 'pong' && f.status >= 200) return f;
      }
    }
  }

  /**
   * REGISTER `user` at `domain` with digest (answering the 401 once) over this connection;
   * resolves with the final response (200 carries the bindings with their expiry).
   */
  async register(user: string, password: string, domain: string, expires = 3600): Promise<SipResponse> {
    const uri = `sip:${domain}`;
    const contact = `Contact: <sip:${user}@${this.from}:${this.localPort()};transport=${this.kind}>`;
    const headers = [contact, `Expires: ${expires}`];
    const first = await this.#registerOnce(user, domain, headers);
    if (first.status !== 401) return first;
    const ch = parseChallenge(getHeader(first, 'WWW-Authenticate') ?? '');
    if (!ch) throw new Error('401 without a Digest challenge');
    const cnonce = randomBytes(8).toString('hex');
    const qop = ch.qop?.includes('auth') ? 'auth' : undefined;
    const response = computeResponse({
      ...(ch.algorithm ? { algorithm: ch.algorithm } : {}),
      username: user,
      realm: ch.realm,
      password,
      method: 'REGISTER',
      uri,
      nonce: ch.nonce,
      ...(qop ? { qop, nc: '00000001', cnonce } : {}),
    });
    const auth = serializeCredentials({
      username: user,
      realm: ch.realm,
      nonce: ch.nonce,
      uri,
      response,
      ...(ch.algorithm ? { algorithm: ch.algorithm } : {}),
      ...(ch.opaque !== undefined ? { opaque: ch.opaque } : {}),
      ...(qop ? { qop, nc: '00000001', cnonce } : {}),
    });
    return this.#registerOnce(user, domain, [...headers, `Authorization: ${auth}`]);
  }

  #registerOnce(user: string, domain: string, extra: string[]): Promise<SipResponse> {
    // From and To are the AOR for a REGISTER (RFC 3261 10.2)
    const aor = `sip:${user}@${domain}`;
    return this.request('REGISTER', `sip:${domain}`, { extra, to: aor, fromUser: aor });
  }

  close(): void {
    if (this.#ws) this.#ws.terminate();
    else this.#socket?.destroy();
  }

  #deliver(m: SipResponse | 'pong'): void {
    this.#waiters.shift()?.(m);
  }

  #next(ms: number): Promise<SipResponse | 'pong'> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        const i = this.#waiters.indexOf(fn);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`no answer within ${ms} ms on ${this.kind} from ${this.from}`));
      }, ms);
      const fn = (m: SipResponse | 'pong') => {
        clearTimeout(t);
        resolve(m);
      };
      this.#waiters.push(fn);
    });
  }
}
