/**
 * Historical aggregation of 1,000,000 contact records (30-minute buckets per queue, Asia/Shanghai)
 * and wallboard throughput (events per second, O(1) each). Run: npx tsx bench/reports-aggregate.ts
 */
import { contactReport } from '../src/reports/metrics/aggregate.js';
import { Wallboard } from '../src/reports/realtime/wallboard.js';
import type { ContactRecord } from '../src/reports/types.js';
import { createRng } from '../src/wfm/rng.js';

const rng = createRng(3);
const t0 = Date.UTC(2026, 0, 1);
const records: ContactRecord[] = [];
for (let i = 0; i < 1_000_000; i++) {
  const offeredAt = t0 + Math.floor(rng.next() * 30 * 86_400_000);
  const wait = Math.floor(rng.next() * 60_000);
  const answered = rng.next() < 0.9;
  records.push({
    tenantId: 't1',
    contactId: `c${i}`,
    direction: 'inbound',
    queueId: `q${i % 20}`,
    agentId: `a${i % 300}`,
    customerKey: `k${Math.floor(rng.next() * 200_000)}`,
    offeredAt,
    answeredAt: answered ? offeredAt + wait : undefined,
    abandonedAt: answered ? undefined : offeredAt + wait,
    endedAt: offeredAt + wait + 200_000,
    talkSeconds: 180,
    holdSeconds: 10,
    acwSeconds: 30,
  });
}
const a = performance.now();
const rows = contactReport(records, {
  tenantId: 't1',
  timeZone: 'Asia/Shanghai',
  granularity: '30m',
  dimension: 'queue',
  from: t0,
  to: t0 + 31 * 86_400_000,
  now: t0 + 60 * 86_400_000,
});
console.log(
  `contactReport: 1,000,000 records → ${rows.length} rows in ${(performance.now() - a).toFixed(0)} ms`,
);
const wb = new Wallboard({
  tenantId: 't1',
  timeZone: 'Europe/Berlin',
  slThresholdSeconds: 20,
  shortAbandonSeconds: 5,
});
const b = performance.now();
for (let i = 0; i < 1_000_000; i++) {
  wb.apply({
    type: 'answered',
    tenantId: 't1',
    queueId: `q${i % 20}`,
    at: t0 + i * 1000,
    waitSeconds: i % 40,
  });
}
const ms = performance.now() - b;
console.log(
  `wallboard: 1,000,000 events in ${ms.toFixed(0)} ms (${((1e6 / ms) * 1000).toFixed(0)} events/s)`,
);
