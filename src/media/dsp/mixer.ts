/**
 * N-party mixer with mix-minus and supervisor modes, one 20 ms tick at a time.
 *
 * Per tick: write each participant's frame into input(id) (or setPresent(id, false)), call mix(),
 * read output(id). The sum of everything "public" (parties and barging supervisors) is computed
 * once; each output is that sum minus the participant's own input (mix-minus), plus the input of
 * any supervisor whispering to it. Cost is O(participants × 160) per tick; sums are Int32. An
 * output that would clip goes through a soft limiter (instant attack, 0.05/tick release), with
 * saturation as the backstop. Buffers are allocated on add(), never per tick.
 *
 *   role      hears                  heard by
 *   party     all public but itself  everyone (public)
 *   listen    all public             nobody
 *   whisper   all public             its target only
 *   barge     all public but itself  everyone (public)
 */
import { FRAME_SAMPLES } from '../audio.js';
import type { MixerLike, MixRole } from './mixer-types.js';

export type { MixRole } from './mixer-types.js';

interface Participant {
  id: string;
  role: MixRole;
  target: string | null;
  present: boolean;
  gain: number;
  /** Limiter gain on this participant's output (1 = off). */
  limGain: number;
  readonly input: Int16Array;
  readonly output: Int16Array;
}

export class Mixer implements MixerLike {
  readonly #byId = new Map<string, Participant>();
  #list: Participant[] = [];
  readonly #sum: Int32Array;
  readonly #acc: Int32Array;
  /** Soft-limit outputs that would clip (default on); off = hard saturation only. */
  limiter = true;
  /** Output frames the limiter touched. */
  limited = 0;
  /** Ticks mixed. */
  ticks = 0;
  /** input()/output() calls for ids not in the mixer. */
  unknownIds = 0;
  readonly #scratch: Int16Array;

  constructor(readonly frameSamples = FRAME_SAMPLES) {
    this.#sum = new Int32Array(frameSamples);
    this.#acc = new Int32Array(frameSamples);
    this.#scratch = new Int16Array(frameSamples);
  }

  get size(): number {
    return this.#list.length;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  add(id: string, role: MixRole = 'party', whisperTarget?: string): void {
    if (this.#byId.has(id)) {
      this.setRole(id, role, whisperTarget);
      return;
    }
    const p: Participant = {
      id,
      role,
      target: role === 'whisper' ? (whisperTarget ?? null) : null,
      present: true,
      gain: 1,
      limGain: 1,
      input: new Int16Array(this.frameSamples),
      output: new Int16Array(this.frameSamples),
    };
    this.#byId.set(id, p);
    this.#list = [...this.#list, p];
  }

  remove(id: string): void {
    if (!this.#byId.delete(id)) return;
    this.#list = this.#list.filter((p) => p.id !== id);
  }

  setRole(id: string, role: MixRole, whisperTarget?: string): void {
    const p = this.#byId.get(id);
    if (!p) return;
    p.role = role;
    p.target = role === 'whisper' ? (whisperTarget ?? null) : null;
  }

  roleOf(id: string): MixRole | undefined {
    return this.#byId.get(id)?.role;
  }

  /** Linear gain applied to this participant's input before mixing (default 1). */
  setGain(id: string, gain: number): void {
    const p = this.#byId.get(id);
    if (p) p.gain = gain;
  }

  /** Input frame of `id`; an unknown id (e.g. removed meanwhile) gets a scratch frame, counted. */
  input(id: string): Int16Array {
    const p = this.#byId.get(id);
    if (!p) {
      this.unknownIds++;
      return this.#scratch;
    }
    return p.input;
  }

  setPresent(id: string, present: boolean): void {
    const p = this.#byId.get(id);
    if (p) p.present = present;
  }

  /** Output frame of `id`; an unknown id gets silence, counted. Never throws on the tick path. */
  output(id: string): Int16Array {
    const p = this.#byId.get(id);
    if (!p) {
      this.unknownIds++;
      this.#scratch.fill(0);
      return this.#scratch;
    }
    return p.output;
  }

  mix(): void {
    const n = this.frameSamples;
    const sum = this.#sum;
    const list = this.#list;
    sum.fill(0);
    // apply gains, silence absent inputs, build the public sum
    for (let j = 0; j < list.length; j++) {
      const p = list[j]!;
      const x = p.input;
      if (!p.present) {
        x.fill(0);
        continue;
      }
      if (p.gain !== 1) {
        const g = p.gain;
        for (let i = 0; i < n; i++) {
          const v = Math.round(x[i]! * g);
          x[i] = v > 32767 ? 32767 : Math.max(v, -32768);
        }
      }
      if (p.role === 'party' || p.role === 'barge') for (let i = 0; i < n; i++) sum[i] = sum[i]! + x[i]!;
    }
    const acc = this.#acc;
    for (let j = 0; j < list.length; j++) {
      const p = list[j]!;
      const out = p.output;
      const own = p.present && (p.role === 'party' || p.role === 'barge') ? p.input : null;
      for (let i = 0; i < n; i++) acc[i] = sum[i]!;
      if (own !== null) for (let i = 0; i < n; i++) acc[i] = acc[i]! - own[i]!;
      for (let k = 0; k < list.length; k++) {
        const q = list[k]!;
        if (q.role === 'whisper' && q.present && q.target === p.id) {
          const w = q.input;
          for (let i = 0; i < n; i++) acc[i] = acc[i]! + w[i]!;
        }
      }
      let peak = 0;
      for (let i = 0; i < n; i++) {
        const v = acc[i]!;
        const a = v < 0 ? -v : v;
        if (a > peak) peak = a;
        out[i] = v > 32767 ? 32767 : Math.max(v, -32768);
      }
      if (this.limiter && (peak > 32767 || p.limGain < 1)) this.#limit(p, peak);
    }
    this.ticks++;
  }

  /**
   * Soft limiter: when an output would clip, its gain drops at once to what fits (ramped over the
   * frame from the previous gain), then recovers by 0.05 per tick (≈ 0.2 s from 0.5 to 1).
   */
  #limit(p: Participant, peak: number): void {
    const n = this.frameSamples;
    const acc = this.#acc;
    const out = p.output;
    const fit = peak > 32767 ? 32767 / peak : 1;
    const from = p.limGain;
    let to = from + 0.05;
    if (to > 1) to = 1;
    if (fit < to) to = fit;
    const start = fit < from ? to : from; // attack: no ramp from a gain that would clip
    for (let i = 0; i < n; i++) {
      const g = start + ((to - start) * (i + 1)) / n;
      const v = Math.round(acc[i]! * g);
      out[i] = v > 32767 ? 32767 : Math.max(v, -32768);
    }
    p.limGain = to;
    this.limited++;
  }
}
