/**
 * Bridge: joins an inbound leg (A) to an outbound leg (B). Each side gets SDP from its own
 * media allocation (the media plane relays between them). B's progress is mirrored on A
 * (180 → ring, 183 → early media, 200 → answer, failure → the same code on A); a hang-up on
 * either side ends the other (CANCEL or BYE); hold/resume on one side is passed to the other.
 */
import { TypedEmitter } from '../../kernel/events.js';
import type { InboundLeg } from './inbound-leg.js';
import type { Leg } from './leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { LegEnd } from './types.js';

export type BridgeEvents = {
  answered: [];
  ended: [who: 'a' | 'b', end: LegEnd];
  refer: [from: Leg, target: string];
};

/** Map the callee's final failure to what the caller hears. */
export function failureCodeForA(end: LegEnd): number {
  if (end.reason === 'no-answer') return 480;
  if (end.reason === 'timeout') return 408;
  if (end.code >= 300 && end.code < 700 && end.code !== 487) return end.code;
  return 480;
}

export class Bridge extends TypedEmitter<BridgeEvents> {
  readonly a: InboundLeg;
  readonly b: OutboundLeg;
  #ended = false;

  constructor(a: InboundLeg, b: OutboundLeg) {
    super();
    this.a = a;
    this.b = b;
    b.on('ringing', () => a.ring());
    b.on('early-media', () => void a.progress());
    b.on('answered', () => {
      void a.answer().then(() => this.safeEmit('answered'));
    });
    b.on('ended', (end) => {
      if (a.state === 'calling' || a.state === 'early') a.reject(failureCodeForA(end));
      else void a.hangup();
      this.#end('b', end);
    });
    a.on('ended', (end) => {
      void b.hangup(end.reason === 'cancelled' ? 'cancelled' : 'local-hangup');
      this.#end('a', end);
    });
    a.on('held', () => void b.hold());
    a.on('resumed', () => void b.resume());
    b.on('held', () => void a.hold());
    b.on('resumed', () => void a.resume());
    a.on('refer', (t) => this.safeEmit('refer', a, t));
    b.on('refer', (t) => this.safeEmit('refer', b, t));
  }

  #end(who: 'a' | 'b', end: LegEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.safeEmit('ended', who, end);
  }
}
