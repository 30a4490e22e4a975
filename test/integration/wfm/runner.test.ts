import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import type { ContactRecord } from '../../../src/reports/types.js';
import type { BatchStaffingRow } from '../../../src/wfm/erlang/staffing.js';
import { syntheticHistory } from '../../../src/wfm/forecast/synthetic.js';
import { demoProblem } from '../../../src/wfm/schedule/demo-problem.js';
import type { ScheduleResult } from '../../../src/wfm/schedule/types.js';
import type { Progress } from '../../../src/wfm/worker/protocol.js';
import { WfmRunner } from '../../../src/wfm/worker/runner.js';

const intervals = Array.from({ length: 10_000 }, (_, i) => ({ calls: 20 + (i % 300), ahtSeconds: 240 }));
const target = { serviceLevel: 0.8, targetSeconds: 20, shrinkage: 0.3 };

describe('WfmRunner (worker thread)', () => {
  const runner = new WfmRunner();
  after(() => runner.close());

  it('runs an Erlang batch off the event loop with progress messages', async () => {
    const progress: Progress[] = [];
    let ticks = 0;
    let spinning = true;
    const spin = () => {
      ticks++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    const rows = await runner.run<BatchStaffingRow[]>(
      'erlang-batch',
      { intervals, intervalSeconds: 900, target },
      { onProgress: (p) => progress.push(p) },
    );
    spinning = false;
    assert.equal(rows.length, 10_000);
    assert.ok(rows.every((r) => r.serviceLevel >= 0.8 && r.scheduled >= r.agents));
    assert.ok(progress.length >= 10, `progress messages: ${progress.length}`);
    assert.deepEqual(progress.at(-1), { done: 10_000, total: 10_000, phase: 'erlang' });
    assert.ok(ticks > 10, `main loop ticks while the job ran: ${ticks}`);
  });

  it('runs forecast and schedule jobs and reports schedule phases', async () => {
    const s = syntheticHistory({ seed: 9, days: 70 });
    const fc = await runner.run<{ queueId: string; method: string; calls: number[] }[]>('forecast', {
      queues: [
        { queueId: 'q1', history: s.history, events: s.events },
        { queueId: 'q2', history: s.history },
      ],
      horizonDays: 7,
    });
    assert.deepEqual(
      fc.map((f) => [f.queueId, f.calls.length]),
      [
        ['q1', 672],
        ['q2', 672],
      ],
    );
    const phases: string[] = [];
    const sched = await runner.run<ScheduleResult>(
      'schedule',
      { problem: demoProblem({ agents: 20, dailyVolume: 600 }), options: { solver: 'greedy' } },
      { onProgress: (p) => phases.push(p.phase) },
    );
    assert.ok(sched.shifts.length > 0);
    assert.deepEqual(phases, ['shift-types', 'greedy', 'local-search', 'breaks', 'evaluate', 'done']);
  });

  it('runs a historical report in the worker (records from the simulator)', async () => {
    const startMs = Date.UTC(2026, 2, 2);
    const sim = await runner.run<{ records: ContactRecord[]; answered: number }>('simulate', {
      seed: 3,
      durationSeconds: 86_400,
      arrivalRate: 0.05,
      handleTime: { kind: 'exponential', mean: 180 },
      agents: 12,
      serviceLevelSeconds: 20,
      records: { tenantId: 't1', queueId: 'q1', startMs },
    });
    const rows = await runner.run<{ counters: { answered: number } }[]>('contact-report', {
      records: sim.records,
      options: {
        tenantId: 't1',
        timeZone: 'UTC',
        granularity: 'day',
        dimension: 'queue',
        from: startMs,
        to: startMs + 2 * 86_400_000,
        now: startMs + 10 * 86_400_000,
      },
    });
    assert.equal(
      rows.reduce((s, r) => s + r.counters.answered, 0),
      sim.answered,
    );
  });

  it('rejects with SWB_WFM_JOB_CANCELLED when aborted, and keeps working afterwards', async () => {
    const ac = new AbortController();
    const many = Array.from({ length: 200_000 }, (_, i) => ({ calls: 50 + (i % 500), ahtSeconds: 300 }));
    let seen = 0;
    const p = runner.run(
      'erlang-batch',
      { intervals: many, intervalSeconds: 900, target },
      {
        signal: ac.signal,
        onProgress: () => {
          if (++seen === 2) ac.abort();
        },
      },
    );
    await assert.rejects(p, (e) => isSwbError(e, 'SWB_WFM_JOB_CANCELLED'));
    assert.equal(runner.pending, 0);
    const rows = await runner.run<BatchStaffingRow[]>('erlang-batch', {
      intervals: intervals.slice(0, 5),
      intervalSeconds: 900,
      target,
    });
    assert.equal(rows.length, 5);
  });

  it('keeps the SwbError code of errors thrown in the worker', async () => {
    await assert.rejects(
      runner.run('erlang-batch', {
        intervals,
        intervalSeconds: 900,
        target: { serviceLevel: 1, targetSeconds: 0 },
      }),
      (e) => isSwbError(e, 'SWB_WFM_TARGET_UNREACHABLE'),
    );
    await assert.rejects(
      runner.run('forecast', {
        queues: [{ queueId: 'x', history: { ...syntheticHistory({ seed: 1, days: 3 }).history } }],
        horizonDays: 7,
      }),
      (e) => isSwbError(e, 'SWB_WFM_HISTORY_TOO_SHORT'),
    );
    await assert.rejects(runner.run('nope' as 'forecast', {}), (e) => isSwbError(e, 'SWB_WFM_INPUT'));
  });

  it('close() rejects pending jobs with SWB_CLOSED and later runs too', async () => {
    const r2 = new WfmRunner();
    const p = r2.run('erlang-batch', { intervals, intervalSeconds: 900, target });
    const rejected = assert.rejects(p, (e) => isSwbError(e, 'SWB_CLOSED'));
    await r2.close();
    await rejected;
    await assert.rejects(r2.run('simulate', {}), (e) => isSwbError(e, 'SWB_CLOSED'));
    await r2.close(); // idempotent
  });
});
