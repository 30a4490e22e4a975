/** Player contract: a pure frame source with a prompt queue. */

export type PromptSource =
  | { kind: 'wav-file'; path: string }
  | { kind: 'wav-bytes'; bytes: Uint8Array }
  | { kind: 'pcm'; pcm: Int16Array; sampleRate: 8000 | 16000 };

export interface PromptSpec {
  id: string;
  source: PromptSource;
  /** Repeat until stopped (music on hold). */
  loop?: boolean;
  /** A DTMF digit ends this prompt and flushes the rest of the queue (barge-in). Default true. */
  bargeIn?: boolean;
}

export type PromptEndReason = 'done' | 'interrupted' | 'stopped' | 'error';

export type PlayerEvents = {
  'prompt-started': [id: string];
  'prompt-finished': [id: string, reason: PromptEndReason];
  'queue-empty': [];
};
