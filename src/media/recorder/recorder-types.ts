/** Recorder contract. */

export type RecordingLayout = 'stereo' | 'mono';
export type RecorderState = 'recording' | 'paused' | 'stopped';

export interface RecordingResult {
  durationMs: number;
  /** Bytes of the file including the 44-byte header. */
  bytes: number;
  layout: RecordingLayout;
  /** Pause intervals as [startMs, endMs) offsets in the recording. */
  pauses: Array<[number, number]>;
}
