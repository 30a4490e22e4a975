/** Shared helpers for the transaction/dialog/registrar unit tests (SIP helper B). */
import { FakeClock } from '../../../src/kernel/clock.js';
import {
  createResponse,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../../../src/sip/message.js';
import type { TxTarget } from '../../../src/sip/transaction/types.js';

export const UDP_TARGET: TxTarget = Object.freeze({ transport: 'udp', host: '127.0.0.1', port: 5070 });
export const TCP_TARGET: TxTarget = Object.freeze({ transport: 'tcp', host: '127.0.0.1', port: 5070 });

export function makeRequest(
  method: string,
  opts: {
    branch?: string;
    callId?: string;
    seq?: number;
    toTag?: string;
    fromTag?: string;
    sentBy?: string;
    cseqMethod?: string;
    extra?: [string, string][];
  } = {},
): SipRequest {
  const headers = [
    {
      name: 'Via',
      value: `SIP/2.0/UDP ${opts.sentBy ?? '127.0.0.1:5070'};branch=${opts.branch ?? 'z9hG4bK-1'}`,
    },
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: `<sip:alice@example.com>;tag=${opts.fromTag ?? 'ft1'}` },
    { name: 'To', value: `<sip:bob@example.com>${opts.toTag ? `;tag=${opts.toTag}` : ''}` },
    { name: 'Call-ID', value: opts.callId ?? 'call-1@test' },
    { name: 'CSeq', value: `${opts.seq ?? 1} ${opts.cseqMethod ?? method}` },
    { name: 'Contact', value: '<sip:alice@127.0.0.1:5070>' },
    ...(opts.extra ?? []).map(([name, value]) => ({ name, value })),
    { name: 'Content-Length', value: '0' },
  ];
  return {
    type: 'request',
    method,
    uri: 'sip:bob@example.com',
    version: 'SIP/2.0',
    headers,
    body: Buffer.alloc(0),
  };
}

export function respond(req: SipRequest, status: number, toTag?: string): SipResponse {
  return createResponse(req, status, toTag === undefined ? {} : { toTag });
}

/** A recording send function; sends are chained through promises, so tests call flush(). */
export function recorder(): {
  sent: { msg: SipMessage; target: TxTarget; at: number }[];
  send: (m: SipMessage, t: TxTarget) => Promise<void>;
  clock: FakeClock;
} {
  const clock = new FakeClock();
  const sent: { msg: SipMessage; target: TxTarget; at: number }[] = [];
  return {
    sent,
    clock,
    send: async (msg, target) => {
      sent.push({ msg, target, at: clock.monotonic() });
    },
  };
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Advance the fake clock in steps, flushing promise-chained sends after each step. */
export async function advance(clock: FakeClock, ms: number, step = 50): Promise<void> {
  let left = ms;
  while (left > 0) {
    const d = Math.min(step, left);
    clock.advance(d);
    left -= d;
    await flush();
  }
}

export function label(m: SipMessage): string {
  return m.type === 'request' ? m.method : String(m.status);
}
