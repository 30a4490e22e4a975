/**
 * End to end: simulated contacts → contact records → historical report. The report's counters must
 * equal the simulator's own tallies, which checks the metric definitions against an independent
 * implementation of the same events.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contactReport, totalOf } from '../../../src/reports/metrics/aggregate.js';
import { emptyContactCounters } from '../../../src/reports/metrics/counters.js';
import { contactMetrics } from '../../../src/reports/metrics/definitions.js';
import { simulateQueue } from '../../../src/wfm/sim/queue-sim.js';

describe('simulator → records → reports', () => {
  it('report counters equal the simulator tallies (answered, abandoned, SL, ASA)', () => {
    const startMs = Date.UTC(2026, 2, 2, 0, 0); // Monday 08:00 in Shanghai
    const sim = simulateQueue({
      seed: 21,
      durationSeconds: 3 * 86_400,
      warmupSeconds: 600,
      arrivalRate: 10 / 180,
      handleTime: { kind: 'lognormal', mean: 180, cv: 0.8 },
      patience: { kind: 'exponential', mean: 120 },
      agents: 10,
      serviceLevelSeconds: 20,
      records: { tenantId: 't1', queueId: 'q1', startMs },
    });
    const records = sim.records!;
    const rows = contactReport(records, {
      tenantId: 't1',
      timeZone: 'Asia/Shanghai',
      granularity: '60m',
      dimension: 'queue',
      from: startMs,
      to: startMs + 4 * 86_400_000,
      now: startMs + 30 * 86_400_000,
      slThresholdSeconds: 20,
      shortAbandonSeconds: 0,
    });
    assert.equal(rows.length, 72); // three local days of hourly buckets
    const total = totalOf(rows, emptyContactCounters);
    assert.equal(total.answered, sim.answered);
    assert.equal(total.abandoned, sim.abandoned);
    assert.equal(total.answeredWithinSl, sim.answeredWithin);
    const waitingAtEnd = sim.offered - sim.answered - sim.abandoned;
    assert.ok(waitingAtEnd >= 0 && waitingAtEnd < 20);
    assert.equal(total.offered, sim.offered - waitingAtEnd);
    const m = contactMetrics(total, 'answered');
    assert.ok(Math.abs(m.asaSeconds! - sim.asaSeconds!) < 1e-6);
    assert.ok(Math.abs(m.serviceLevel! - sim.serviceLevelOfAnswered!) < 1e-12);
    assert.ok(Math.abs(m.ahtSeconds! - 180) < 10); // log-normal handle times with mean 180 s
  });
});
