/** CSeq = 1*DIGIT LWS Method (RFC 3261 20.16); the number must be below 2^31. */
import { SwbError } from '../../kernel/errors.js';

export interface CSeq {
  seq: number;
  method: string;
}

const CSEQ_RE = /^(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)$/;

export function parseCSeq(text: string): CSeq {
  const m = CSEQ_RE.exec(text.trim());
  if (!m) throw new SwbError('SWB_SIP_PARSE', { reason: 'bad CSeq' });
  const seq = Number(m[1]);
  if (seq >= 2 ** 31) throw new SwbError('SWB_SIP_PARSE', { reason: 'CSeq number out of range' });
  return { seq, method: m[2]! };
}

export function serializeCSeq(c: CSeq): string {
  return `${c.seq} ${c.method}`;
}
