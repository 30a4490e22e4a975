/**
 * Stream framing (RFC 3261 18.3, RFC 5626 4.4.1): splits a TCP/TLS byte stream into SIP
 * messages by Content-Length, answers the CRLFCRLF keep-alive ping with a CRLF pong, and
 * enforces a maximum message size. Framing errors are not recoverable on a stream: the
 * owner closes the connection.
 */
import { SwbError } from '../../kernel/errors.js';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CL_RE = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im;

export type FrameEvent = { kind: 'message'; data: Buffer } | { kind: 'ping' } | { kind: 'pong' };

export class StreamFramer {
  #buf: Buffer = Buffer.alloc(0);
  readonly #max: number;

  constructor(maxMessageSize: number) {
    this.#max = maxMessageSize;
  }

  /** Bytes waiting for the rest of a message. */
  get pending(): number {
    return this.#buf.length;
  }

  /** Feed bytes; returns the complete frames. Throws SWB_SIP_PARSE / SWB_SIP_TOO_LARGE on framing errors. */
  push(chunk: Buffer): FrameEvent[] {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: FrameEvent[] = [];
    for (;;) {
      const b = this.#buf;
      if (b.length === 0) break;
      // keep-alives between messages
      if (b[0] === 0x0d || b[0] === 0x0a) {
        if (b.length >= 4 && b[0] === 0x0d && b[1] === 0x0a && b[2] === 0x0d && b[3] === 0x0a) {
          out.push({ kind: 'ping' });
          this.#buf = b.subarray(4);
          continue;
        }
        if (b.length >= 2 && b[0] === 0x0d && b[1] === 0x0a) {
          if (b.length < 4 && (b.length === 2 || b[2] === 0x0d)) break; // maybe a ping in progress
          out.push({ kind: 'pong' });
          this.#buf = b.subarray(2);
          continue;
        }
        if (b.length < 2 && b[0] === 0x0d) break;
        this.#buf = b.subarray(1); // stray LF
        continue;
      }
      const headEnd = b.indexOf(CRLFCRLF);
      if (headEnd < 0) {
        if (b.length > this.#max)
          throw new SwbError('SWB_SIP_TOO_LARGE', { size: b.length, limit: this.#max });
        break;
      }
      const head = b.toString('latin1', 0, headEnd);
      const m = CL_RE.exec(head);
      if (!m) throw new SwbError('SWB_SIP_PARSE', { reason: 'missing Content-Length on a stream transport' });
      if (m[1]!.length > 10) throw new SwbError('SWB_SIP_TOO_LARGE', { size: m[1], limit: this.#max });
      const total = headEnd + 4 + Number(m[1]);
      if (total > this.#max) throw new SwbError('SWB_SIP_TOO_LARGE', { size: total, limit: this.#max });
      if (b.length < total) break;
      out.push({ kind: 'message', data: Buffer.from(b.subarray(0, total)) });
      this.#buf = b.subarray(total);
    }
    if (this.#buf.length === 0) this.#buf = Buffer.alloc(0);
    return out;
  }
}
