/** Calendar helpers for day-indexed series: weekday and day-of-month of day i. */
import type { SeriesHistory } from './types.js';

export function weekdayOf(h: Pick<SeriesHistory, 'startWeekday'>, day: number): number {
  return (((h.startWeekday + day) % 7) + 7) % 7;
}

export function dateOf(
  h: Pick<SeriesHistory, 'startDate'>,
  day: number,
): { dom: number; daysInMonth: number; month: number } {
  const d = new Date(Date.UTC(h.startDate.year, h.startDate.month - 1, h.startDate.day + day));
  const daysInMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return { dom: d.getUTCDate(), daysInMonth, month: d.getUTCMonth() + 1 };
}
