/**
 * Bridge: joins an inbound leg (A) to an outbound leg (B). Each side gets SDP from its own
 * media allocation (the media plane relays between them). B's progress is mirrored on A
 * (180 → ring, 183 → early media, 200 → answer, failure → the same code on A); a hang-up on
 * either side ends the other (CANCEL or BYE); hold/resume on one side is passed to the other.
 */
import { TypedEmitter } from '../../kernel/events.js';
import { InboundLeg } from './inbound-leg.js';
import type { Leg } from './leg.js';
import type { LegEnd, LegEvents } from './types.js';

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
  readonly a: Leg;
  readonly b: Leg;
  #ended = false;
  readonly #off: (() => void)[] = [];

  /**
   * `a` is usually the inbound leg still ringing and `b` the outbound leg; both may also be
   * legs that are already answered (re-bridging after a transfer), in any direction.
   */
  constructor(a: Leg, b: Leg) {
    super();
    this.a = a;
    this.b = b;
    const inbound = a instanceof InboundLeg ? a : undefined;
    const on = this.#on.bind(this);
    on(b, 'ringing', () => inbound?.ring());
    on(b, 'early-media', () => void inbound?.progress());
    on(b, 'answered', () => {
      if (!inbound) return;
      void inbound.answer().then(() => this.safeEmit('answered'));
    });
    on(b, 'ended', (end: LegEnd) => {
      this.#end('b', end);
      if (inbound && (a.state === 'calling' || a.state === 'early')) inbound.reject(failureCodeForA(end));
      else void a.hangup();
    });
    on(a, 'ended', (end: LegEnd) => {
      this.#end('a', end);
      void b.hangup(end.reason === 'cancelled' ? 'cancelled' : 'local-hangup');
    });
    on(a, 'held', () => void b.hold());
    on(a, 'resumed', () => void b.resume());
    on(b, 'held', () => void a.hold());
    on(b, 'resumed', () => void a.resume());
    on(a, 'refer', (t: string) => this.safeEmit('refer', a, t));
    on(b, 'refer', (t: string) => this.safeEmit('refer', b, t));
  }

  // biome-ignore lint/suspicious/noExplicitAny: listener arguments differ per event
  #on(leg: Leg, event: keyof LegEvents, fn: (...args: any[]) => void): void {
    this.#off.push(leg.on(event, fn as never));
  }

  /** Stop joining the two legs (e.g. before re-bridging one of them after a transfer). */
  detach(): void {
    for (const off of this.#off.splice(0)) off();
  }

  #end(who: 'a' | 'b', end: LegEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.detach();
    this.safeEmit('ended', who, end);
  }
}
