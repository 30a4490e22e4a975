/**
 * N-party conference inside one worker (three-way calls, consults, supervisors), on the worker's
 * 20 ms tick: each member's packets go through its own jitter buffer; per tick one frame per
 * member is popped into the shared Mixer (mix-minus; roles normal, listen, whisper, barge), and
 * each member's mix is encoded in its codec and sent on its own outgoing stream.
 */

import { SwbError } from '../../kernel/errors.js';
import { FRAME_SAMPLES } from '../audio.js';
import { type AudioCodec, codecByName } from '../codecs/codec.js';
import { Mixer } from '../dsp/mixer.js';
import type { MixRole } from '../dsp/mixer-types.js';
import type { MediaLeg, PacketSink, PayloadTap } from '../endpoint/media-leg.js';
import { JB_SILENCE, JitterBuffer } from '../jitter/jitter-buffer.js';
import type { ConferenceRole, MediaCodecName } from '../media-types.js';

interface Member {
  leg: MediaLeg;
  jb: JitterBuffer;
  jbCodec: MediaCodecName;
  codec: AudioCodec;
  codecName: MediaCodecName;
  tap: PayloadTap;
  encoded: Uint8Array;
}

const ROLE: Record<ConferenceRole, MixRole> = {
  normal: 'party',
  listen: 'listen',
  whisper: 'whisper',
  barge: 'barge',
};

/** Marks a leg as owned by a conference (no bridge may take it); its packets go to the taps. */
const CONFERENCE_SINK: PacketSink = () => {};

export class Conference {
  readonly id: string;
  readonly #mixer = new Mixer(FRAME_SAMPLES);
  readonly #members = new Map<string, Member>();

  constructor(id: string) {
    this.id = id;
  }

  get size(): number {
    return this.#members.size;
  }

  has(legId: string): boolean {
    return this.#members.has(legId);
  }

  /** Adds a leg, or changes the role of a member. `whisperTo` is the member a whisperer talks to. */
  add(leg: MediaLeg, role: ConferenceRole, whisperTo?: string): void {
    const mixRole = ROLE[role];
    if (!mixRole)
      throw new SwbError('SWB_MEDIA_BAD_REQUEST', { method: 'CONFERENCE_ADD', reason: `role ${role}` });
    if (role === 'whisper' && (!whisperTo || !this.#members.has(whisperTo))) {
      throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
        method: 'CONFERENCE_ADD',
        reason: 'whisper needs a member to talk to',
      });
    }
    const existing = this.#members.get(leg.id);
    if (existing) {
      this.#mixer.setRole(leg.id, mixRole, whisperTo);
      return;
    }
    if (leg.sink) {
      throw new SwbError('SWB_MEDIA_BAD_REQUEST', {
        method: 'CONFERENCE_ADD',
        reason: `endpoint ${leg.id} is bridged or in another conference`,
      });
    }
    const m: Member = {
      leg,
      jb: new JitterBuffer({ codec: codecByName(leg.codec) }),
      jbCodec: leg.codec,
      codec: codecByName(leg.codec),
      codecName: leg.codec,
      tap: (payload, h, codec, now) => {
        if (h.payloadType === leg.telephoneEventPt) return;
        if (codec !== m.jbCodec) {
          m.jbCodec = codec;
          m.jb = new JitterBuffer({ codec: codecByName(codec) });
        }
        m.jb.push(h.sequence, h.timestamp, h.ssrc, payload, 0, payload.length, now);
      },
      encoded: new Uint8Array(FRAME_SAMPLES * 2),
    };
    leg.sink = CONFERENCE_SINK;
    leg.inputTaps.add(m.tap);
    this.#members.set(leg.id, m);
    this.#mixer.add(leg.id, mixRole, whisperTo);
  }

  remove(legId: string): void {
    const m = this.#members.get(legId);
    if (!m) return;
    this.#members.delete(legId);
    this.#mixer.remove(legId);
    m.leg.inputTaps.delete(m.tap);
    if (m.leg.sink === CONFERENCE_SINK) m.leg.sink = null;
    m.leg.out.sourceChanged();
  }

  /** One 20 ms tick: pop, mix, encode, send. */
  tick(nowMs: number): void {
    if (this.#members.size === 0) return;
    const mixer = this.#mixer;
    for (const [id, m] of this.#members) {
      const r = m.jb.pop(mixer.input(id));
      mixer.setPresent(id, r !== JB_SILENCE);
    }
    mixer.mix();
    for (const [id, m] of this.#members) {
      const leg = m.leg;
      if (leg.relayMuted || leg.sendingDtmf) continue; // a prompt or digits own the leg right now
      if (leg.codec !== m.codecName) {
        m.codecName = leg.codec;
        m.codec = codecByName(leg.codec);
      }
      const n = m.codec.encode(mixer.output(id), m.encoded);
      leg.sendPayload(m.encoded.subarray(0, n), FRAME_SAMPLES, nowMs);
    }
  }

  close(): void {
    for (const id of [...this.#members.keys()]) this.remove(id);
  }
}
