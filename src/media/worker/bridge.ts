/**
 * Two-party bridge inside one worker: each leg's accepted packets go straight out of the other
 * leg (re-stamped; G.711 transcoded per byte if the codecs differ). No decode, no jitter buffer,
 * no tick: a packet leaves in the same event-loop turn it arrived in, so the bridge adds no jitter.
 * Listeners (recorder, DTMF) tap the legs without slowing the relay.
 */
import { SwbError } from '../../kernel/errors.js';
import type { MediaLeg, PacketSink } from '../endpoint/media-leg.js';
import type { BridgeMode } from '../media-types.js';

export class Bridge {
  readonly id: string;
  readonly a: MediaLeg;
  readonly b: MediaLeg;
  readonly #toB: PacketSink;
  readonly #toA: PacketSink;
  #closed = false;

  constructor(id: string, a: MediaLeg, b: MediaLeg) {
    if (a === b)
      throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
        method: 'BRIDGE_CREATE',
        reason: 'a leg cannot be bridged to itself',
      });
    for (const ep of [a, b]) {
      if (ep.sink) {
        throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
          method: 'BRIDGE_CREATE',
          reason: `endpoint ${ep.id} is already bridged`,
        });
      }
    }
    this.id = id;
    this.a = a;
    this.b = b;
    this.#toB = (from, buf, h, now) => b.relay(from, buf, h, now);
    this.#toA = (from, buf, h, now) => a.relay(from, buf, h, now);
    a.sink = this.#toB;
    b.sink = this.#toA;
    a.out.sourceChanged();
    b.out.sourceChanged();
  }

  get mode(): BridgeMode {
    return this.a.codec === this.b.codec ? 'relay' : 'transcode';
  }

  involves(ep: MediaLeg): boolean {
    return ep === this.a || ep === this.b;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.a.sink === this.#toB) this.a.sink = null;
    if (this.b.sink === this.#toA) this.b.sink = null;
  }
}
