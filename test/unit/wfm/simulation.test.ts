import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { erlangA } from '../../../src/wfm/erlang/erlang-a.js';
import { erlangCMetrics } from '../../../src/wfm/erlang/erlang-c.js';
import { demoProblem } from '../../../src/wfm/schedule/demo-problem.js';
import { buildSchedule } from '../../../src/wfm/schedule/schedule.js';
import { EventHeap } from '../../../src/wfm/sim/heap.js';
import { simulateQueue } from '../../../src/wfm/sim/queue-sim.js';

const close = (a: number, b: number, tol: number, msg: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${msg}: simulated ${a}, model ${b}, tolerance ${tol}`);

// Long runs: ~110,000 calls after a one-hour warm-up. Spread of a single run measured over 8 seeds
// (npx tsx, seeds 1..8): Erlang C case SL sd 0.0085, ASA sd 4.4 %; Erlang A case SL sd 0.0066,
// P(abandon) sd 0.0034. The tolerances below are 2.5–3 of those standard deviations; the fixed seeds
// make every run identical, so the tests are deterministic.
describe('queue simulation', () => {
  it('agrees with Erlang C (M/M/12, A = 10 E) within ±0.02 SL, ±12 % ASA, ±0.02 occupancy', () => {
    const sim = simulateQueue({
      seed: 1,
      durationSeconds: 2_000_000,
      warmupSeconds: 3600,
      arrivalRate: 10 / 180,
      handleTime: { kind: 'exponential', mean: 180 },
      agents: 12,
      serviceLevelSeconds: 20,
    });
    const model = erlangCMetrics({
      calls: 100,
      intervalSeconds: 1800,
      ahtSeconds: 180,
      agents: 12,
      targetSeconds: 20,
    });
    assert.ok(sim.offered > 100_000 && !sim.truncated);
    close(sim.serviceLevel!, model.serviceLevel, 0.02, 'SL');
    close(sim.probWait!, model.probWait, 0.02, 'P(wait)');
    close(sim.asaSeconds!, model.asaSeconds!, 0.12 * model.asaSeconds!, 'ASA');
    close(sim.occupancy!, model.occupancy, 0.02, 'occupancy');
  });

  it('agrees with Erlang A (M/M/9+M, patience 120 s) within ±0.02 SL and ±0.01 abandonment', () => {
    const sim = simulateQueue({
      seed: 2,
      durationSeconds: 2_000_000,
      warmupSeconds: 3600,
      arrivalRate: 10 / 180,
      handleTime: { kind: 'exponential', mean: 180 },
      patience: { kind: 'exponential', mean: 120 },
      agents: 9,
      serviceLevelSeconds: 20,
    });
    const model = erlangA({
      arrivalRate: 10 / 180,
      ahtSeconds: 180,
      patienceSeconds: 120,
      agents: 9,
      targetSeconds: 20,
    });
    close(sim.serviceLevel!, model.serviceLevel, 0.02, 'SL of offered');
    close(sim.serviceLevelOfAnswered!, model.serviceLevelOfAnswered, 0.02, 'SL of answered');
    close(sim.abandonRate!, model.probAbandon, 0.01, 'P(abandon)');
    close(sim.asaSeconds!, model.asaSeconds, 0.12 * model.asaSeconds, 'ASA');
  });

  it('agents follow a staffing plan: callers abandon while nobody is staffed, then get answered', () => {
    const sim = simulateQueue({
      seed: 3,
      durationSeconds: 7200,
      arrivalRate: 0.05,
      handleTime: { kind: 'fixed', value: 60 },
      patience: { kind: 'exponential', mean: 30 },
      agents: { slotSeconds: 3600, counts: [0, 10] },
      serviceLevelSeconds: 20,
    });
    // first hour: ~180 calls all abandon (nobody staffed); second hour: 10 agents, load 3 E, nearly all answered
    assert.ok(sim.abandoned > 140 && sim.abandoned < 230, `abandoned ${sim.abandoned}`);
    assert.ok(sim.answered > 140, `answered ${sim.answered}`);
    assert.equal(sim.offered, sim.answered + sim.abandoned);
  });

  it('validates a schedule: simulated SL over a week is close to the Erlang C prediction', async () => {
    const p = demoProblem({ agents: 60, dailyVolume: 1500 });
    const r = await buildSchedule(p, { solver: 'greedy' });
    const sim = simulateQueue({
      seed: 4,
      durationSeconds: 7 * 86_400,
      arrivalRate: { slotSeconds: 900, rates: p.workload!.calls.map((c) => c / 900) },
      handleTime: { kind: 'exponential', mean: 280 },
      agents: { slotSeconds: 900, counts: r.slots.map((s) => Math.floor(s.scheduled)) },
      serviceLevelSeconds: 20,
    });
    // per-slot Erlang C ignores carry-over between slots, so a looser ±0.05 applies
    close(sim.serviceLevel!, r.predictedServiceLevel!, 0.05, 'weekly SL');
  });

  it('less variable handle times wait less (M/D/n < M/LN/n < M/M/n in ASA, same mean)', () => {
    const run = (handleTime: Parameters<typeof simulateQueue>[0]['handleTime']) =>
      simulateQueue({
        seed: 8,
        durationSeconds: 1_000_000,
        warmupSeconds: 3600,
        arrivalRate: 10 / 180,
        handleTime,
        agents: 12,
        serviceLevelSeconds: 20,
      }).asaSeconds!;
    const fixed = run({ kind: 'fixed', value: 180 });
    const logn = run({ kind: 'lognormal', mean: 180, cv: 0.5 });
    const expo = run({ kind: 'exponential', mean: 180 });
    // heavy-traffic rule of thumb: wait scales with (1 + cv²)/2 → 0.5, 0.625, 1 of the M/M/n wait
    assert.ok(fixed < logn && logn < expo, `${fixed} ${logn} ${expo}`);
    assert.ok(fixed < 0.7 * expo);
  });

  it('zero arrivals, zero agents and bad input never give NaN or hang', () => {
    const idle = simulateQueue({
      seed: 1,
      durationSeconds: 1000,
      arrivalRate: 0,
      handleTime: { kind: 'exponential', mean: 100 },
      agents: 0,
      serviceLevelSeconds: 20,
    });
    assert.equal(idle.offered, 0);
    assert.equal(idle.serviceLevel, null);
    const bounded = simulateQueue({
      seed: 1,
      durationSeconds: 1e9,
      arrivalRate: 1,
      handleTime: { kind: 'exponential', mean: 100 },
      agents: 1,
      serviceLevelSeconds: 20,
      maxEvents: 10_000,
    });
    assert.equal(bounded.truncated, true);
    const isInput = (e: unknown) => isSwbError(e, 'SWB_WFM_INPUT');
    const base = {
      seed: 1,
      durationSeconds: 100,
      arrivalRate: 1,
      handleTime: { kind: 'exponential' as const, mean: 10 },
      agents: 1,
      serviceLevelSeconds: 20,
    };
    assert.throws(() => simulateQueue({ ...base, durationSeconds: 0 }), isInput);
    assert.throws(() => simulateQueue({ ...base, agents: -1 }), isInput);
    assert.throws(
      () => simulateQueue({ ...base, handleTime: { kind: 'fixed', value: Number.NaN } }),
      isInput,
    );
    assert.throws(() => simulateQueue({ ...base, arrivalRate: { slotSeconds: 10, rates: [] } }), isInput);
  });

  it('EventHeap pops in time order, ties in insertion order', () => {
    const h = new EventHeap<{ at: number; seq: number; id: string }>();
    for (const [i, at] of [5, 1, 3, 1, 9].entries()) h.push({ at, seq: i, id: `e${i}` });
    const out: string[] = [];
    for (let e = h.pop(); e; e = h.pop()) out.push(e.id);
    assert.deepEqual(out, ['e1', 'e3', 'e2', 'e0', 'e4']);
  });
});
