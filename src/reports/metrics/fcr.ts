/**
 * First-contact resolution by repeat-caller window: an answered contact is resolved at first
 * contact when the same customer (customerKey) does not contact the tenant again within
 * `windowSeconds` after it was offered. Contacts whose window is still open at `now`, or without a
 * customerKey, are not eligible (left out of numerator and denominator).
 */
import type { ContactRecord } from '../types.js';

export const FCR_NOT_ELIGIBLE = -1;

/** Per record (same index): 1 resolved, 0 repeat within the window, −1 not eligible. */
export function markFirstContactResolution(
  records: readonly ContactRecord[],
  windowSeconds: number,
  now: number,
): Int8Array {
  const out = new Int8Array(records.length).fill(FCR_NOT_ELIGIBLE);
  const byCustomer = new Map<string, number[]>();
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.customerKey === undefined || r.direction !== 'inbound') continue;
    const list = byCustomer.get(r.customerKey);
    if (list) list.push(i);
    else byCustomer.set(r.customerKey, [i]);
  }
  const w = windowSeconds * 1000;
  for (const list of byCustomer.values()) {
    if (list.length > 1) list.sort((a, b) => records[a]!.offeredAt - records[b]!.offeredAt);
    for (let k = 0; k < list.length; k++) {
      const r = records[list[k]!]!;
      if (r.answeredAt === undefined || r.offeredAt + w > now) continue;
      const next = list[k + 1];
      out[list[k]!] = next !== undefined && records[next]!.offeredAt <= r.offeredAt + w ? 0 : 1;
    }
  }
  return out;
}
