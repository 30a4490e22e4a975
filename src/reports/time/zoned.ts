/**
 * Tenant-time-zone arithmetic with Intl only (no tz database of our own). Offsets are cached per
 * quarter hour of UTC, so per-record work is a Map lookup after warm-up. DST rules:
 * - a local wall time in a spring-forward gap resolves forward (like Temporal 'compatible');
 * - an ambiguous wall time (fall-back) resolves to the earlier instant;
 * - interval buckets are wall-clock aligned, so the repeated hour yields two distinct buckets and a
 *   local day is 23 or 25 hours long on transition days.
 */
import { SwbError } from '../../kernel/errors.js';
import type { Granularity } from '../types.js';

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();
const QUARTER = 900_000;
const DAY = 86_400_000;

export function assertTimeZone(timeZone: string): void {
  getFormatter(timeZone);
}

function getFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new SwbError('SWB_REPORTS_TIMEZONE', { timeZone });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

function rawOffset(ms: number, timeZone: string): number {
  const parts = getFormatter(timeZone).formatToParts(new Date(ms));
  const v: Record<string, number> = {};
  for (const p of parts) if (p.type !== 'literal') v[p.type] = Number(p.value);
  const asUtc = Date.UTC(v.year!, v.month! - 1, v.day!, v.hour!, v.minute!, v.second!);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** Offset of local time from UTC in ms at instant ms (e.g. +8 h for Asia/Shanghai). */
export function offsetAt(ms: number, timeZone: string): number {
  let cache = offsetCache.get(timeZone);
  if (!cache) {
    getFormatter(timeZone);
    cache = new Map();
    offsetCache.set(timeZone, cache);
  }
  const q = Math.floor(ms / QUARTER);
  let o = cache.get(q);
  if (o === undefined) {
    const start = q * QUARTER;
    o = rawOffset(start, timeZone);
    // transitions happen on whole minutes; if one falls inside this quarter, don't cache it
    if (rawOffset(start + QUARTER - 1000, timeZone) !== o) return rawOffset(ms, timeZone);
    if (cache.size > 200_000) cache.clear();
    cache.set(q, o);
  }
  return o;
}

export interface LocalParts {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday … 6 = Saturday */
  readonly weekday: number;
  /** Minutes since local midnight. */
  readonly minuteOfDay: number;
}

export function localParts(ms: number, timeZone: string): LocalParts {
  const d = new Date(ms + offsetAt(ms, timeZone));
  const hour = d.getUTCHours();
  const minute = d.getUTCMinutes();
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour,
    minute,
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
    minuteOfDay: hour * 60 + minute,
  };
}

/** The UTC instant of a local wall time (month 1..12; day may overflow, Date.UTC normalises). */
export function zonedToUtc(
  timeZone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const oA = offsetAt(wall - DAY, timeZone);
  const oB = offsetAt(wall + DAY, timeZone);
  if (oA === oB) {
    const t = wall - oA;
    if (offsetAt(t, timeZone) === oA) return t;
  }
  const tA = wall - oA;
  const tB = wall - oB;
  const okA = offsetAt(tA, timeZone) === oA;
  const okB = offsetAt(tB, timeZone) === oB;
  if (okA && okB) return Math.min(tA, tB);
  if (okA) return tA;
  if (okB) return tB;
  return tA; // in a gap: the earlier offset lands after the transition (shift forward)
}

export function granularityMinutes(g: Granularity): number | undefined {
  return g === '15m' ? 15 : g === '30m' ? 30 : g === '60m' ? 60 : undefined;
}

/** Start (UTC ms) of the local interval containing ms. weekStartsOn: 0 = Sunday, 1 = Monday. */
export function bucketStart(ms: number, g: Granularity, timeZone: string, weekStartsOn = 1): number {
  const mins = granularityMinutes(g);
  const p = localParts(ms, timeZone);
  if (mins !== undefined) {
    const into = ((p.minuteOfDay % mins) * 60 + p.second) * 1000 + (((ms % 1000) + 1000) % 1000);
    let start = ms - into;
    const o = offsetAt(ms, timeZone);
    if (offsetAt(start, timeZone) !== o) {
      // an offset change inside the interval (e.g. a 30-minute DST shift): start at the transition
      let lo = start;
      let hi = ms;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (offsetAt(mid, timeZone) === o) hi = mid;
        else lo = mid;
      }
      start = hi;
    }
    return start;
  }
  if (g === 'day') return zonedToUtc(timeZone, p.year, p.month, p.day);
  if (g === 'week') {
    const back = (p.weekday - weekStartsOn + 7) % 7;
    return zonedToUtc(timeZone, p.year, p.month, p.day - back);
  }
  return zonedToUtc(timeZone, p.year, p.month, 1);
}

/** Start of the interval after the one starting at `start`. */
export function nextBucketStart(start: number, g: Granularity, timeZone: string, weekStartsOn = 1): number {
  const mins = granularityMinutes(g);
  if (mins !== undefined) {
    const next = bucketStart(start + mins * 60_000, g, timeZone, weekStartsOn);
    return next > start ? next : start + mins * 60_000;
  }
  const p = localParts(start, timeZone);
  if (g === 'day') return zonedToUtc(timeZone, p.year, p.month, p.day + 1);
  if (g === 'week') return zonedToUtc(timeZone, p.year, p.month, p.day + 7);
  return zonedToUtc(timeZone, p.year, p.month + 1, 1);
}

/** Local date label (YYYY-MM-DD HH:mm) of an instant, for report rows. */
export function localLabel(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}
