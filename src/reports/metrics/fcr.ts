/**
 * First-contact resolution by repeat-caller window: an answered contact is resolved at first
 * contact when the same customer (customerKey) does not contact the tenant again within
 * `windowSeconds` after it was offered. Contacts whose window is still open at `now`, or without a
 * customerKey, are not eligible (left out of numerator and denominator).
 */
import type { ContactRecord } from '../types.js';

export function markFirstContactResolution(
  records: readonly ContactRecord[],
  windowSeconds: number,
  now: number,
): Map<string, boolean> {
  const byCustomer = new Map<string, ContactRecord[]>();
  for (const r of records) {
    if (r.customerKey === undefined || r.direction !== 'inbound') continue;
    let list = byCustomer.get(r.customerKey);
    if (!list) byCustomer.set(r.customerKey, (list = []));
    list.push(r);
  }
  const out = new Map<string, boolean>();
  const w = windowSeconds * 1000;
  for (const list of byCustomer.values()) {
    list.sort((a, b) => a.offeredAt - b.offeredAt);
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      if (r.answeredAt === undefined || r.offeredAt + w > now) continue;
      const next = list[i + 1];
      out.set(r.contactId, !(next !== undefined && next.offeredAt <= r.offeredAt + w));
    }
  }
  return out;
}
