/**
 * Internal audio format of the media plane: signed 16-bit PCM, mono, 8 kHz, in 20 ms frames
 * (160 samples). Everything that terminates media (jitter buffer, DTMF detector, mixer, player,
 * recorder) works on these frames; codecs convert at the edges.
 */
export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = 160;

/** One 20 ms frame of internal PCM. Allocate once per stream and reuse it on every tick. */
export type PcmFrame = Int16Array;

/** A new zeroed frame. Call at setup time, never per packet. */
export function newFrame(samples = FRAME_SAMPLES): Int16Array {
  return new Int16Array(samples);
}

/** Clamp a sample to the signed 16-bit range (saturation, used by mixer and gain). */
export function clamp16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x | 0;
}
