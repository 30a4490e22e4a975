/**
 * Builds a forecast history from contact records: offered calls and AHT per local wall-clock slot
 * in the tenant's time zone. On a spring-forward day the skipped hour stays 0; on a fall-back day
 * the repeated hour is summed into its wall-clock slots, so every local day has the same slots.
 */
import { SwbError } from '../../kernel/errors.js';
import { localParts } from '../../reports/time/zoned.js';
import type { ContactRecord } from '../../reports/types.js';
import type { SeriesHistory } from './types.js';

export interface HistoryOptions {
  readonly tenantId: string;
  readonly queueId: string;
  readonly timeZone: string;
  readonly startDate: { readonly year: number; readonly month: number; readonly day: number };
  readonly days: number;
  readonly slotMinutes: number;
}

export function historyFromContacts(records: readonly ContactRecord[], o: HistoryOptions): SeriesHistory {
  const ppd = 1440 / o.slotMinutes;
  if (!Number.isInteger(ppd) || !Number.isInteger(o.days) || o.days < 1) {
    throw new SwbError('SWB_WFM_INPUT', { reason: 'slotMinutes must divide 1440 and days be ≥ 1' });
  }
  const day0 = Date.UTC(o.startDate.year, o.startDate.month - 1, o.startDate.day);
  const calls = new Array(o.days * ppd).fill(0);
  const handle = new Array(o.days * ppd).fill(0);
  const handled = new Array(o.days * ppd).fill(0);
  for (const r of records) {
    if (r.tenantId !== o.tenantId)
      throw new SwbError('SWB_WFM_INPUT', { reason: 'record of another tenant' });
    if (r.queueId !== o.queueId || r.direction !== 'inbound') continue;
    const p = localParts(r.offeredAt, o.timeZone);
    const day = Math.round((Date.UTC(p.year, p.month - 1, p.day) - day0) / 86_400_000);
    if (day < 0 || day >= o.days) continue;
    const idx = day * ppd + Math.floor(p.minuteOfDay / o.slotMinutes);
    calls[idx]++;
    if (r.answeredAt !== undefined) {
      handle[idx] += r.talkSeconds + r.holdSeconds + r.acwSeconds;
      handled[idx]++;
    }
  }
  return {
    periodsPerDay: ppd,
    startWeekday: new Date(day0).getUTCDay(),
    startDate: o.startDate,
    calls,
    ahtSeconds: handle.map((h, i) => (handled[i] > 0 ? h / handled[i] : 0)),
  };
}
