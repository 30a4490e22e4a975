import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { agentTimeReport, contactReport, surveyReport } from '../../../src/reports/metrics/aggregate.js';
import { emptyContactCounters } from '../../../src/reports/metrics/counters.js';
import {
  contactMetrics,
  SERVICE_LEVEL_VARIANTS,
  serviceLevel,
} from '../../../src/reports/metrics/definitions.js';
import type { AgentStatusInterval, ContactRecord } from '../../../src/reports/types.js';

const T = 't1';
const base = Date.UTC(2026, 5, 1, 1, 0); // 09:00 Asia/Shanghai
const S = 1000;

function call(id: string, offset: number, o: Partial<ContactRecord> = {}): ContactRecord {
  return {
    tenantId: T,
    contactId: id,
    direction: 'inbound',
    queueId: 'sales',
    offeredAt: base + offset * S,
    endedAt: base + (offset + 300) * S,
    talkSeconds: 0,
    holdSeconds: 0,
    acwSeconds: 0,
    ...o,
  };
}
const answered = (id: string, off: number, wait: number, o: Partial<ContactRecord> = {}) =>
  call(id, off, {
    answeredAt: base + (off + wait) * S,
    talkSeconds: 120,
    holdSeconds: 30,
    acwSeconds: 30,
    ...o,
  });
const abandoned = (id: string, off: number, wait: number) =>
  call(id, off, { abandonedAt: base + (off + wait) * S });

const opts = {
  tenantId: T,
  timeZone: 'Asia/Shanghai',
  granularity: '30m' as const,
  dimension: 'queue' as const,
  from: base - 86_400_000,
  to: base + 86_400_000,
  now: base + 30 * 86_400_000,
  slThresholdSeconds: 20,
  shortAbandonSeconds: 5,
};

// 10 offered: 6 answered (4 within 20 s), 3 abandoned (1 short at 3 s, 1 within 20 s at 15 s, 1 at 60 s), 1 overflow
const records: ContactRecord[] = [
  answered('a1', 0, 5, { agentId: 'ag1', transferred: true }),
  answered('a2', 60, 10, { agentId: 'ag1' }),
  answered('a3', 120, 20, { agentId: 'ag2' }),
  answered('a4', 180, 19, { agentId: 'ag2' }),
  answered('a5', 240, 45, { agentId: 'ag2' }),
  answered('a6', 300, 90, { agentId: 'ag1' }),
  abandoned('b1', 360, 3),
  abandoned('b2', 420, 15),
  abandoned('b3', 480, 60),
  call('o1', 540, { overflowed: true }),
];

describe('metric definitions', () => {
  it('contactReport() computes offered/answered/abandoned, answer rate, ASA, AHT, ACW, transfer rate', () => {
    const rows = contactReport(records, opts);
    assert.equal(rows.length, 1);
    const m = rows[0]!.metrics;
    assert.equal(rows[0]!.label, '2026-06-01 09:00');
    assert.equal(m.offered, 10);
    assert.equal(m.answered, 6);
    assert.equal(m.abandoned, 3);
    assert.equal(m.shortAbandoned, 1);
    assert.equal(m.answerRate, 0.6);
    assert.equal(m.answerRateExShort, 6 / 9);
    assert.equal(m.asaSeconds, (5 + 10 + 20 + 19 + 45 + 90) / 6);
    assert.equal(m.ahtSeconds, 180);
    assert.equal(m.acwSeconds, 30);
    assert.equal(m.transferRate, 1 / 6);
    assert.equal(m.maxAnswerWaitSeconds, 90);
    assert.equal(m.abandonRateExShort, 2 / 9);
  });

  it('service-level variants use their documented denominators', () => {
    const c = contactReport(records, opts)[0]!.counters;
    assert.equal(serviceLevel(c, 'answered'), 4 / 6);
    assert.equal(serviceLevel(c, 'offered'), 4 / 10);
    assert.equal(serviceLevel(c, 'offered-excluding-short-abandons'), 4 / 9);
    assert.equal(serviceLevel(c, 'abandons-within-threshold-met'), (4 + 2) / 10);
  });

  it('empty intervals give null ratios, never NaN', () => {
    const m = contactMetrics(emptyContactCounters(), 'offered');
    for (const [k, v] of Object.entries(m))
      assert.ok(v === null || typeof v !== 'number' || Number.isFinite(v), k);
    assert.equal(m.answerRate, null);
    for (const v of SERVICE_LEVEL_VARIANTS) assert.equal(serviceLevel(emptyContactCounters(), v), null);
    assert.deepEqual(contactReport([], opts), []);
  });

  it('groups per agent and per 15-minute interval in the tenant time zone', () => {
    const byAgent = contactReport(records, { ...opts, dimension: 'agent' });
    assert.deepEqual(
      byAgent.map((r) => [r.key, r.metrics.answered]),
      [
        ['(none)', 0],
        ['ag1', 3],
        ['ag2', 3],
      ],
    );
    const q = contactReport(records, { ...opts, granularity: '15m' });
    assert.deepEqual(
      q.map((r) => r.label),
      ['2026-06-01 09:00'],
    );
    const late = contactReport([answered('x', 15 * 60, 1)], { ...opts, granularity: '15m' });
    assert.equal(late[0]!.label, '2026-06-01 09:15');
  });

  it('counts each IVR node a contact visited', () => {
    const rs = [
      call('i1', 0, { ivrNodeIds: ['menu', 'sales', 'menu'] }),
      call('i2', 5, { ivrNodeIds: ['menu'] }),
    ];
    const rows = contactReport(rs, { ...opts, dimension: 'ivrNode' });
    assert.deepEqual(
      rows.map((r) => [r.key, r.metrics.offered]),
      [
        ['menu', 2],
        ['sales', 1],
      ],
    );
  });

  it('FCR: a repeat from the same customer within the window is not first-contact resolved', () => {
    const day = 86_400;
    const rs = [
      answered('f1', 0, 5, { customerKey: 'c1' }),
      answered('f2', 2 * day, 5, { customerKey: 'c1' }), // repeat within 7 days of f1
      answered('f3', 0, 5, { customerKey: 'c2' }),
      answered('f4', 0, 5), // no customer key: not eligible
    ];
    const rows = contactReport(rs, {
      ...opts,
      granularity: 'month',
      now: base + 30 * day * S,
      to: base + 40 * day * S,
    });
    const c = rows[0]!.counters;
    assert.equal(c.fcrEligible, 3);
    assert.equal(c.fcrResolved, 2); // f2 and f3
    // windows still open at `now` are not judged yet
    // at day 8, f2's window (days 2..9) is still open: only f1 (not resolved) and f3 (resolved) count
    const early = contactReport(rs, {
      ...opts,
      granularity: 'month',
      now: base + 8 * day * S,
      to: base + 40 * day * S,
    });
    assert.equal(early[0]!.counters.fcrEligible, 2);
    assert.equal(early[0]!.counters.fcrResolved, 1);
  });

  it('agentTimeReport() splits status intervals at bucket boundaries; occupancy and utilisation', () => {
    const iv = (
      activity: AgentStatusInterval['activity'],
      from: number,
      to: number,
    ): AgentStatusInterval => ({
      tenantId: T,
      agentId: 'ag1',
      activity,
      start: base + from * 60_000,
      end: base + to * 60_000,
    });
    const rows = agentTimeReport(
      [
        iv('available', 0, 10),
        iv('talking', 10, 40),
        iv('acw', 40, 45),
        iv('break', 45, 60),
        iv('logged_out', 60, 90),
      ],
      { ...opts, dimension: 'agent' },
    );
    assert.equal(rows.length, 2);
    const [first, second] = rows;
    assert.equal(first!.counters.staffedSeconds, 1800);
    assert.equal(first!.counters.busySeconds, 1200);
    assert.equal(second!.counters.busySeconds, 900);
    assert.equal(second!.counters.unavailableSeconds, 900);
    assert.equal(first!.metrics.occupancy, 1200 / 1800);
    assert.equal(second!.metrics.occupancy, 1);
    assert.equal(second!.metrics.utilisation, 0.5);
  });

  it('surveyReport() computes CSAT (top-box) and mean score', () => {
    const s = (score: number) => ({
      tenantId: T,
      contactId: `s${score}`,
      queueId: 'sales',
      respondedAt: base,
      score,
      scaleMax: 5,
    });
    const rows = surveyReport([s(5), s(4), s(2), s(1)], opts);
    assert.equal(rows[0]!.metrics.csat, 0.5);
    assert.equal(rows[0]!.metrics.meanScore, (1 + 0.8 + 0.4 + 0.2) / 4);
  });

  it('rejects other tenants, bad ranges and bad scores with SWB_REPORTS_INPUT', () => {
    const isInput = (e: unknown) => isSwbError(e, 'SWB_REPORTS_INPUT');
    assert.throws(() => contactReport([{ ...records[0]!, tenantId: 'other' }], opts), isInput);
    assert.throws(() => contactReport(records, { ...opts, to: opts.from }), isInput);
    assert.throws(() => contactReport(records, { ...opts, slThresholdSeconds: Number.NaN }), isInput);
    assert.throws(
      () => surveyReport([{ tenantId: T, contactId: 'x', respondedAt: base, score: 6, scaleMax: 5 }], opts),
      isInput,
    );
    assert.throws(
      () =>
        agentTimeReport(
          [{ tenantId: T, agentId: 'a', activity: 'available', start: base, end: base - 1 }],
          opts,
        ),
      isInput,
    );
    assert.throws(
      () => contactReport(records, { ...opts, timeZone: 'Nowhere/City' }),
      (e) => isSwbError(e, 'SWB_REPORTS_TIMEZONE'),
    );
  });
});
