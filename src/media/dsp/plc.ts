/**
 * Packet loss concealment for 8 kHz speech, after the method of ITU-T G.711 Appendix I
 * (not a bit-exact port): on the first lost sample the pitch period P (40–120 samples, 66–200 Hz)
 * is found by normalised cross-correlation over the last 20 ms of real audio; the lost audio is
 * synthesised by repeating the last period (its end cross-faded over P/4 into the samples that
 * precede it, so the loop has no seam), widened to three periods after 10 ms to avoid a buzz;
 * full level for 10 ms, then −20 % per 10 ms, silence after 60 ms. When real audio resumes its
 * first 4 ms (+4 ms per further 10 ms lost, at most 10 ms) are cross-faded from the synthetic signal.
 * Differences from Appendix I: no 3.75 ms output delay (the loop seam is smoothed inside the
 * synthetic buffer instead of in already-played audio), full-resolution pitch search.
 * Streaming, sample counts of any size, no allocation after construction.
 */
const HIST = 480; // 60 ms of real audio
const CORR = 160;
const PMIN = 40;
const PMAX = 120;
const FULL = 80; // samples at full level
const FADE_END = 480; // silence from here

export class PacketLossConcealer {
  /** Real audio ring (newest at #w − 1); linearised into #hist only when a loss starts. */
  readonly #ring = new Int16Array(HIST);
  #w = 0;
  readonly #hist = new Float64Array(HIST);
  #histFill = 0;
  readonly #loop1 = new Float64Array(PMAX);
  readonly #loop3 = new Float64Array(3 * PMAX);
  #p = 0;
  #n3 = 0;
  /** Samples concealed in the current loss (0 = not in a loss). */
  #erased = 0;
  /** Losses concealed so far. */
  events = 0;

  /** Samples concealed in the current loss. */
  get erasedSamples(): number {
    return this.#erased;
  }

  /** True while concealment still produces sound (less than 60 ms lost). */
  get audible(): boolean {
    return this.#erased < FADE_END && this.#p > 0;
  }

  /**
   * Real audio: `n` samples of `buf` from `offset`. After a loss the start is cross-faded from the
   * synthetic signal in place. Then the samples enter the history.
   */
  good(buf: Int16Array, offset: number, n: number): void {
    if (this.#erased > 0) {
      if (this.#p > 0) {
        const extra = Math.floor((this.#erased - 1) / 80);
        let len = 32 + 32 * extra;
        if (len > 80) len = 80;
        if (len > n) len = n;
        for (let i = 0; i < len; i++) {
          const w = (i + 1) / (len + 1);
          const syn = this.#synth(this.#erased + i);
          const v = Math.round(syn * (1 - w) + buf[offset + i]! * w);
          buf[offset + i] = v > 32767 ? 32767 : Math.max(v, -32768);
        }
      }
      this.#erased = 0;
    }
    const r = this.#ring;
    let w = this.#w;
    const from = n > HIST ? n - HIST : 0;
    for (let i = from; i < n; i++) {
      r[w] = buf[offset + i]!;
      w = w + 1 === HIST ? 0 : w + 1;
    }
    this.#w = w;
    this.#histFill = Math.min(HIST, this.#histFill + n);
  }

  /**
   * Lost audio: fills `n` samples of `out` from `offset` with the concealment signal. Returns
   * true if any of them can be non-silent (pitch found and less than 60 ms lost before this call).
   */
  conceal(out: Int16Array, offset: number, n: number): boolean {
    if (this.#erased === 0) this.#start();
    const audible = this.#p > 0 && this.#erased < FADE_END;
    for (let i = 0; i < n; i++) {
      const v = this.#p > 0 ? Math.round(this.#synth(this.#erased)) : 0;
      out[offset + i] = v > 32767 ? 32767 : Math.max(v, -32768);
      this.#erased++;
    }
    return audible;
  }

  reset(): void {
    this.#ring.fill(0);
    this.#w = 0;
    this.#histFill = 0;
    this.#erased = 0;
    this.#p = 0;
  }

  /** Synthetic sample number k of the current loss, with the attenuation envelope. */
  #synth(k: number): number {
    if (k >= FADE_END) return 0;
    const p = this.#p;
    let v: number;
    if (k < FULL || this.#n3 === 0) {
      v = this.#loop1[k % p]!;
    } else {
      const len3 = this.#n3 * p;
      const v3 = this.#loop3[k % len3]!;
      const xf = k - FULL;
      const l = p >> 2;
      v = xf < l ? this.#loop1[k % p]! * (1 - (xf + 1) / (l + 1)) + v3 * ((xf + 1) / (l + 1)) : v3;
    }
    const g = k < FULL ? 1 : 1 - ((k - FULL) * 0.2) / 80;
    return v * g;
  }

  #start(): void {
    this.events++;
    const h = this.#hist;
    for (let i = 0; i < HIST; i++) h[i] = this.#ring[(this.#w + i) % HIST]!; // oldest first
    const fill = this.#histFill;
    this.#p = 0;
    this.#n3 = 0;
    if (fill < CORR + PMIN) return; // not enough audio yet: conceal with silence
    // pitch: maximise normalised cross-correlation of the last CORR samples with a lagged copy
    const end = HIST;
    const maxLag = Math.min(PMAX, fill - CORR);
    let best = PMIN;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let p = PMIN; p <= maxLag; p++) {
      let c = 0;
      let e = 0;
      for (let i = end - CORR; i < end; i++) {
        const y = h[i - p]!;
        c += h[i]! * y;
        e += y * y;
      }
      const score = e > 0 ? c / Math.sqrt(e) : 0;
      if (score > bestScore) {
        bestScore = score;
        best = p;
      }
    }
    const p = best;
    this.#p = p;
    this.#buildLoop(this.#loop1, 1, p);
    if (fill >= 3 * p + (p >> 2)) {
      this.#n3 = 3;
      this.#buildLoop(this.#loop3, 3, p);
    }
  }

  /** loop = last n·p samples, its last p/4 cross-faded into the samples preceding its start. */
  #buildLoop(loop: Float64Array, n: number, p: number): void {
    const h = this.#hist;
    const len = n * p;
    const start = HIST - len;
    for (let i = 0; i < len; i++) loop[i] = h[start + i]!;
    const l = p >> 2;
    if (start - l < 0) return;
    for (let i = 0; i < l; i++) {
      const w = (i + 1) / (l + 1);
      loop[len - l + i] = loop[len - l + i]! * (1 - w) + h[start - l + i]! * w;
    }
  }
}
