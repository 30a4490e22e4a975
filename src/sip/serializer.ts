/**
 * SIP message serializer. Sets nothing implicitly (no Content-Length fix-up): what the
 * message holds is what goes on the wire. Headers received in a non-canonical form
 * (folded, compact spacing, ...) are reproduced byte for byte while unchanged.
 */
import type { SipHeader, SipMessage } from './message.js';

function headerText(h: SipHeader): string {
  const w = h.wire;
  if (w !== undefined && w.name === h.name && w.value === h.value) return w.text;
  return `${h.name}: ${h.value}`;
}

/** Start line and headers, ending with the blank line. */
export function serializeHead(m: SipMessage): string {
  let s =
    m.type === 'request'
      ? `${m.method} ${m.uri} ${m.version}\r\n`
      : `${m.version} ${m.status} ${m.reason}\r\n`;
  for (const h of m.headers) s += `${headerText(h)}\r\n`;
  return `${s}\r\n`;
}

export function serializeMessage(m: SipMessage): Buffer {
  const head = serializeHead(m);
  const headLen = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLen + m.body.length);
  out.write(head, 0, 'utf8');
  m.body.copy(out, headLen);
  return out;
}
