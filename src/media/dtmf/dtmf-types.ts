/** DTMF types shared by RFC 4733, in-band detection and SIP INFO. */

/** Event codes 0–15 of RFC 4733 §3.2 map to these characters, in order. */
export const DTMF_EVENTS = '0123456789*#ABCD';

export type DtmfSource = 'rfc4733' | 'inband' | 'info';

export interface DtmfDigitEvent {
  /** One of DTMF_EVENTS. */
  digit: string;
  /** Key-press length in milliseconds. */
  durationMs: number;
  source: DtmfSource;
}

/** Called once per key press when it ends (debounced, deduplicated). */
export type DtmfListener = (ev: DtmfDigitEvent) => void;

/** One telephone-event payload (RFC 4733 §2.3). */
export interface TelephoneEvent {
  event: number;
  end: boolean;
  volume: number;
  /** In RTP timestamp units. */
  duration: number;
}

export function dtmfDigitOf(event: number): string | null {
  return event >= 0 && event < 16 ? DTMF_EVENTS[event]! : null;
}

export function dtmfEventOf(digit: string): number {
  return DTMF_EVENTS.indexOf(digit.toUpperCase());
}
