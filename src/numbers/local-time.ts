/**
 * Wall-clock time of an instant in an IANA time zone, with Intl only. Routing rules are written in
 * local time ("Mon–Fri 09:00–18:00 Asia/Shanghai"), so a rule is matched against the local date,
 * weekday and minute of the call's instant: on a spring-forward day the skipped local hour never
 * occurs (a 02:00–03:00 window does not match in Europe/Paris on the last Sunday of March), on a
 * fall-back day the repeated hour occurs twice (both instants match).
 */
import { SwbError } from '../kernel/errors.js';

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight (0–1439). */
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        weekday: 'short',
      });
    } catch {
      throw new SwbError('SWB_NUMBER_TIMEZONE', { timeZone: String(timeZone).slice(0, 64) });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws SWB_NUMBER_TIMEZONE unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) {
    throw new SwbError('SWB_NUMBER_TIMEZONE', { timeZone: String(timeZone).slice(0, 64) });
  }
  formatter(timeZone);
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function localTime(ms: number, timeZone: string): LocalTime {
  const v: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms)))
    if (p.type !== 'literal') v[p.type] = p.value;
  return {
    date: `${v['year']}-${v['month']}-${v['day']}`,
    weekday: WEEKDAYS[v['weekday']!]!,
    minute: Number(v['hour']) * 60 + Number(v['minute']),
  };
}

/** The calendar day before `date` (YYYY-MM-DD), and its weekday. */
export function previousDay(t: LocalTime): { date: string; weekday: number } {
  const [y, m, d] = t.date.split('-').map(Number) as [number, number, number];
  const prev = new Date(Date.UTC(y, m - 1, d) - 86_400_000);
  return { date: prev.toISOString().slice(0, 10), weekday: t.weekday === 1 ? 7 : t.weekday - 1 };
}

/** 'HH:MM' (00:00–24:00) → minutes; undefined when malformed. */
export function parseHhMm(s: string): number | undefined {
  const m = /^([01][0-9]|2[0-4]):([0-5][0-9])$/.exec(s);
  if (!m) return undefined;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v > 1440 ? undefined : v;
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
