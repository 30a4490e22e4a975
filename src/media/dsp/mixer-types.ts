/**
 * Mixer contract. Per 20 ms tick: write each participant's input frame into `input(id)`
 * (or mark it absent), call `mix()`, then read `output(id)` for each participant.
 *
 * Roles: 'party' hears every other party and barging supervisor and is heard by all (mix-minus);
 * 'listen' hears everyone, heard by none; 'whisper' hears everyone, heard only by its target;
 * 'barge' hears everyone, heard by everyone.
 */
export type MixRole = 'party' | 'listen' | 'whisper' | 'barge';

export interface MixerLike {
  add(id: string, role?: MixRole, whisperTarget?: string): void;
  remove(id: string): void;
  setRole(id: string, role: MixRole, whisperTarget?: string): void;
  /** Preallocated input frame of a participant; write FRAME_SAMPLES into it before mix(). */
  input(id: string): Int16Array;
  /** Marks whether the participant's input holds audio this tick (absent = silence). */
  setPresent(id: string, present: boolean): void;
  mix(): void;
  /** Preallocated output frame of a participant, valid until the next mix(). */
  output(id: string): Int16Array;
}
