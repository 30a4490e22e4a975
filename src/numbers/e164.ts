/**
 * Phone number normalization to E.164 (`+<country><national significant number>`, at most 15
 * digits, ITU-T E.164). Carriers and people write numbers in many shapes; everything stored and
 * compared inside Switchboard is E.164.
 *
 * Accepted input (separators ` - . ( ) /` are ignored, a `tel:`/`sip:` user part may be given):
 * - international: `+<cc>…`, or `00<cc>…` (the ITU international prefix, also China's);
 * - national, for the default country (configurable, China `86` by default):
 *   - China: 400/800 service numbers (`4001234567`, 10 digits), mobiles (`13800138000`, 11 digits
 *     starting 13–19), fixed lines with the trunk prefix 0 and an area code (`010 12345678`,
 *     `0755-8888 6666`); `+86 (0)10 …` drops the stray 0; `86…` without `+` is taken as the
 *     country code only when what follows is a complete mobile or 400/800 number;
 *   - NANP (`1`): 10 digits, or 11 starting with 1;
 *   - elsewhere: the trunk prefix 0 is dropped and the country code put in front.
 * Local numbers without an area code cannot be normalized (which area?) and are rejected.
 */
import { SwbError } from '../kernel/errors.js';

export const DEFAULT_COUNTRY = '86';

export interface NormalizeOptions {
  /** Country code (digits, no +) for national numbers. */
  defaultCountry?: string;
}

const SEPARATORS = /[\s\-.()/]/g;

function invalid(number: string, reason: string): never {
  throw new SwbError('SWB_NUMBER_INVALID', { number: number.slice(0, 40), reason });
}

/** `sip:+8610…@host;user=phone`, `tel:+86-10-…` → the user part; other strings unchanged. */
function userPart(input: string): string {
  const m = /^(?:sips?|tel):([^@;]*)/i.exec(input.trim());
  return m ? m[1]! : input;
}

function checkCountry(cc: string): void {
  if (!/^[1-9][0-9]{0,2}$/.test(cc)) {
    throw new SwbError('SWB_NUMBER_INVALID', { number: cc, reason: 'country code must be 1-3 digits' });
  }
}

const CN_MOBILE = /^1[3-9][0-9]{9}$/;
const CN_SERVICE = /^[48]00[0-9]{7}$/;
/** Area code (10, 2x, or 3 digits starting 3-9) + a 7-8 digit subscriber number. */
const CN_FIXED = /^(10|2[0-9]|[3-9][0-9]{2})[0-9]{7,8}$/;

function chinaNational(raw: string, digits: string): string {
  if (CN_MOBILE.test(digits) || CN_SERVICE.test(digits)) return `+86${digits}`;
  if (digits.startsWith('0')) {
    const nsn = digits.slice(1);
    // area codes: 10, 2x (2 digits) or 3 digits starting 3-9; subscriber 7-8 digits
    if (!CN_FIXED.test(nsn)) invalid(raw, 'not a Chinese area code + number');
    return `+86${nsn}`;
  }
  if (digits.startsWith('86') && (CN_MOBILE.test(digits.slice(2)) || CN_SERVICE.test(digits.slice(2)))) {
    return `+${digits}`;
  }
  if (/^[2-9][0-9]{6,7}$/.test(digits)) invalid(raw, 'local number without area code');
  return invalid(raw, 'not a Chinese number');
}

function international(raw: string, digits: string): string {
  if (!/^[1-9][0-9]{6,14}$/.test(digits)) invalid(raw, 'E.164 numbers have 7-15 digits after the +');
  // +86 (0)10 …: a national trunk prefix written after the country code
  if (digits.startsWith('860') && digits.length >= 12) return chinaNational(raw, digits.slice(2));
  if (digits.startsWith('86')) {
    const nsn = digits.slice(2);
    if (!CN_MOBILE.test(nsn) && !CN_SERVICE.test(nsn) && !CN_FIXED.test(nsn)) {
      invalid(raw, 'not a Chinese mobile, 400/800 or area code + number');
    }
  }
  return `+${digits}`;
}

/** Normalizes a phone number to E.164 or throws SWB_NUMBER_INVALID. */
export function normalizeNumber(input: string, opts: NormalizeOptions = {}): string {
  const cc = opts.defaultCountry ?? DEFAULT_COUNTRY;
  checkCountry(cc);
  if (typeof input !== 'string' || input.length === 0 || input.length > 64) invalid(String(input), 'empty');
  const s = userPart(input).replace(SEPARATORS, '');
  if (s.startsWith('+')) {
    const digits = s.slice(1);
    if (!/^[0-9]+$/.test(digits)) invalid(input, 'only digits may follow +');
    return international(input, digits);
  }
  if (!/^[0-9]+$/.test(s)) invalid(input, 'only digits, + and separators are allowed');
  if (s.startsWith('00')) return international(input, s.slice(2));
  if (cc === '86') return chinaNational(input, s);
  if (cc === '1') {
    if (/^[2-9][0-9]{9}$/.test(s)) return `+1${s}`;
    if (/^1[2-9][0-9]{9}$/.test(s)) return `+${s}`;
    return invalid(input, 'not a NANP number');
  }
  const nsn = s.startsWith('0') ? s.slice(1) : s;
  if (nsn.length < 4) invalid(input, 'too short');
  return international(input, `${cc}${nsn}`);
}

/** Like normalizeNumber but returns undefined instead of throwing. */
export function tryNormalizeNumber(input: string, opts: NormalizeOptions = {}): string | undefined {
  try {
    return normalizeNumber(input, opts);
  } catch {
    return undefined;
  }
}

/**
 * Normalizes a caller-number prefix as admins write it: `+8610`, `0086 10`, `010` (Beijing
 * area code), `0755`, `138` (a mobile prefix), `+1`. National prefixes get the default
 * country: a leading trunk 0 is dropped (`010` → `+8610`).
 */
export function normalizePrefix(input: string, opts: NormalizeOptions = {}): string {
  const cc = opts.defaultCountry ?? DEFAULT_COUNTRY;
  checkCountry(cc);
  const s = userPart(String(input)).replace(SEPARATORS, '');
  let digits: string;
  if (s.startsWith('+')) digits = s.slice(1);
  else if (s.startsWith('00')) digits = s.slice(2);
  else if (/^[0-9]+$/.test(s)) digits = `${cc}${s.startsWith('0') ? s.slice(1) : s}`;
  else digits = '';
  if (!/^[1-9][0-9]{0,14}$/.test(digits)) invalid(String(input), 'not a number prefix');
  return `+${digits}`;
}

export type NumberClass = 'mobile' | 'fixed' | '400' | '800' | 'other';

/** What kind of Chinese number an E.164 number is (`other` outside China). */
export function classifyNumber(e164: string): NumberClass {
  if (!e164.startsWith('+86')) return 'other';
  const nsn = e164.slice(3);
  if (CN_MOBILE.test(nsn)) return 'mobile';
  if (/^400[0-9]{7}$/.test(nsn)) return '400';
  if (/^800[0-9]{7}$/.test(nsn)) return '800';
  return 'fixed';
}

/** Readable national form for people: `+864001234567` → `400-123-4567`, `+861012345678` → `010-1234 5678`. */
export function formatNational(e164: string): string {
  const c = classifyNumber(e164);
  const nsn = e164.slice(3);
  if (c === '400' || c === '800') return `${nsn.slice(0, 3)}-${nsn.slice(3, 6)}-${nsn.slice(6)}`;
  if (c === 'mobile') return `${nsn.slice(0, 3)} ${nsn.slice(3, 7)} ${nsn.slice(7)}`;
  if (c === 'fixed') {
    const area = /^(10|2[0-9])/.test(nsn) ? nsn.slice(0, 2) : nsn.slice(0, 3);
    return `0${area}-${nsn.slice(area.length)}`;
  }
  return e164;
}
