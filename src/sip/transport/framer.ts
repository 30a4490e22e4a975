/**
 * Stream framing (RFC 3261 18.3, RFC 5626 4.4.1): splits a TCP/TLS byte stream into SIP
 * messages by Content-Length, answers the CRLFCRLF keep-alive ping with a CRLF pong, and
 * enforces a maximum message size, which is also the most a connection may buffer before a
 * message is complete. Framing errors are not recoverable on a stream: the owner closes the
 * connection.
 *
 * Linear in the bytes received however they are chunked: the buffer grows by doubling and the
 * search for the end of the header section resumes where the last one stopped, so a peer that
 * trickles a header one byte per segment (slowloris) costs O(n), not O(n²).
 */
import { SwbError } from '../../kernel/errors.js';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const EMPTY = Buffer.alloc(0);
const CL_RE = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)[ \t]*$/im;

export type FrameEvent = { kind: 'message'; data: Buffer } | { kind: 'ping' } | { kind: 'pong' };

export class StreamFramer {
  #buf: Buffer = EMPTY;
  /** False while #buf is the caller's chunk (never written to). */
  #owned = false;
  #start = 0;
  #end = 0;
  /** Where to resume looking for CRLFCRLF in the current message (relative to #start). */
  #scanFrom = 0;
  /** Total length of the current message once its header section was read. */
  #total: number | undefined;
  readonly #max: number;

  constructor(maxMessageSize: number) {
    this.#max = maxMessageSize;
  }

  /** Bytes waiting for the rest of a message. */
  get pending(): number {
    return this.#end - this.#start;
  }

  /** Feed bytes; returns the complete frames. Throws SWB_SIP_PARSE / SWB_SIP_TOO_LARGE on framing errors. */
  push(chunk: Buffer): FrameEvent[] {
    this.#append(chunk);
    const out: FrameEvent[] = [];
    for (;;) {
      const b = this.#buf.subarray(this.#start, this.#end);
      if (b.length === 0) break;
      if (this.#total === undefined && this.#scanFrom === 0 && (b[0] === 0x0d || b[0] === 0x0a)) {
        // keep-alives between messages
        if (b.length >= 4 && b[0] === 0x0d && b[1] === 0x0a && b[2] === 0x0d && b[3] === 0x0a) {
          out.push({ kind: 'ping' });
          this.#start += 4;
          continue;
        }
        if (b.length >= 2 && b[0] === 0x0d && b[1] === 0x0a) {
          if (b.length < 4 && (b.length === 2 || b[2] === 0x0d)) break; // maybe a ping in progress
          out.push({ kind: 'pong' });
          this.#start += 2;
          continue;
        }
        if (b.length < 2 && b[0] === 0x0d) break;
        this.#start += 1; // stray LF
        continue;
      }
      if (this.#total === undefined) {
        const headEnd = b.indexOf(CRLFCRLF, this.#scanFrom);
        if (headEnd < 0) {
          if (b.length > this.#max)
            throw new SwbError('SWB_SIP_TOO_LARGE', { size: b.length, limit: this.#max });
          this.#scanFrom = Math.max(0, b.length - 3);
          break;
        }
        const head = b.toString('latin1', 0, headEnd);
        const m = CL_RE.exec(head);
        if (!m)
          throw new SwbError('SWB_SIP_PARSE', { reason: 'missing Content-Length on a stream transport' });
        if (m[1]!.length > 10) throw new SwbError('SWB_SIP_TOO_LARGE', { size: m[1], limit: this.#max });
        const total = headEnd + 4 + Number(m[1]);
        if (total > this.#max) throw new SwbError('SWB_SIP_TOO_LARGE', { size: total, limit: this.#max });
        this.#total = total;
      }
      if (b.length < this.#total) break;
      out.push({ kind: 'message', data: Buffer.from(b.subarray(0, this.#total)) });
      this.#start += this.#total;
      this.#total = undefined;
      this.#scanFrom = 0;
    }
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
      // do not keep a chunk or a large buffer alive for an idle connection
      this.#buf = EMPTY;
      this.#owned = false;
    }
    return out;
  }

  #append(chunk: Buffer): void {
    const len = this.#end - this.#start;
    if (len === 0) {
      // the common case, a whole message per chunk: frame it in place, no copy
      this.#buf = chunk;
      this.#owned = false;
      this.#start = 0;
      this.#end = chunk.length;
      return;
    }
    if (this.#owned && this.#end + chunk.length <= this.#buf.length) {
      chunk.copy(this.#buf, this.#end);
      this.#end += chunk.length;
      return;
    }
    const need = len + chunk.length;
    if (this.#owned && need <= this.#buf.length && this.#start >= len) {
      // room once the consumed prefix is dropped (and the move cannot overlap much)
      this.#buf.copy(this.#buf, 0, this.#start, this.#end);
    } else {
      const next = Buffer.allocUnsafe(Math.max(need, Math.min(this.#buf.length * 2, this.#max + 1), 1024));
      this.#buf.copy(next, 0, this.#start, this.#end);
      this.#buf = next;
      this.#owned = true;
    }
    this.#start = 0;
    this.#end = len;
    chunk.copy(this.#buf, this.#end);
    this.#end += chunk.length;
  }
}
