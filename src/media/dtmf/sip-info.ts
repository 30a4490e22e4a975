/**
 * DTMF carried in SIP INFO bodies (no RFC; de-facto formats):
 * - `application/dtmf-relay` (Cisco style): lines `Signal=5` and `Duration=160` (ms), keys
 *   case-insensitive, CRLF or LF, extra lines ignored; `Signal=10`/`11` mean `*`/`#`.
 * - `application/dtmf`: the body is the key itself (`5`, `*`, `#`, `A`) or its event code (0–15).
 * Returns null for anything else (unknown type, no signal, flash `!`, out-of-range codes).
 */
import { type DtmfDigitEvent, dtmfDigitOf, dtmfEventOf } from './dtmf-types.js';

export const DEFAULT_INFO_DURATION_MS = 250;

function digitFrom(s: string): string | null {
  const v = s.trim().toUpperCase();
  if (v.length === 1 && dtmfEventOf(v) >= 0) return v;
  if (/^\d{1,2}$/.test(v)) return dtmfDigitOf(Number(v));
  return null;
}

export function parseSipInfoDtmf(contentType: string, body: string): DtmfDigitEvent | null {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/dtmf') {
    const digit = digitFrom(body);
    return digit ? { digit, durationMs: DEFAULT_INFO_DURATION_MS, source: 'info' } : null;
  }
  if (type !== 'application/dtmf-relay') return null;
  let digit: string | null = null;
  let duration = DEFAULT_INFO_DURATION_MS;
  for (const line of body.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1);
    if (key === 'signal') digit = digitFrom(value);
    else if (key === 'duration') {
      const d = Number(value.trim());
      if (Number.isFinite(d) && d > 0 && d < 60000) duration = Math.round(d);
    }
  }
  return digit ? { digit, durationMs: duration, source: 'info' } : null;
}
