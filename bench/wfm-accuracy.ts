/**
 * Accuracy figures for docs/wfm.md: forecast backtest on the synthetic history (6 held-out weeks,
 * 15-minute, hourly and daily WAPE), and simulator vs Erlang C / Erlang A. Deterministic (seeded).
 * Run: npx tsx bench/wfm-accuracy.ts
 */
import { erlangA } from '../src/wfm/erlang/erlang-a.js';
import { erlangCMetrics } from '../src/wfm/erlang/erlang-c.js';
import { accuracy } from '../src/wfm/forecast/accuracy.js';
import { holtWintersForecast } from '../src/wfm/forecast/holt-winters.js';
import { regressionForecast } from '../src/wfm/forecast/regression.js';
import { seasonalNaive } from '../src/wfm/forecast/seasonal-naive.js';
import { syntheticHistory } from '../src/wfm/forecast/synthetic.js';
import type { SeriesHistory } from '../src/wfm/forecast/types.js';
import { simulateQueue } from '../src/wfm/sim/queue-sim.js';

const s = syntheticHistory({
  seed: 1,
  days: 182,
  holidays: [108, 150, 171],
  campaigns: [{ startDay: 160, days: 6 }],
});
const ppd = 96;
const folds = 6;
const agg = (a: readonly number[], k: number) => {
  const out: number[] = [];
  for (let i = 0; i < a.length; i += k) out.push(a.slice(i, i + k).reduce((x, y) => x + y, 0));
  return out;
};
const actual: number[] = [];
const pred: Record<string, number[]> = {
  'seasonal-naive': [],
  'holt-winters': [],
  regression: [],
  oracle: [],
};
for (let f = folds; f >= 1; f--) {
  const train = 182 - f * 7;
  const h: SeriesHistory = {
    ...s.history,
    calls: s.history.calls.slice(0, train * ppd),
    ahtSeconds: s.history.ahtSeconds!.slice(0, train * ppd),
  };
  actual.push(...s.history.calls.slice(train * ppd, (train + 7) * ppd));
  pred['seasonal-naive']!.push(...seasonalNaive(h, 7).calls);
  pred['holt-winters']!.push(...holtWintersForecast(h, 7, s.events).calls);
  pred.regression!.push(...regressionForecast(h, 7, s.events).calls);
  pred.oracle!.push(...s.expected.slice(train * ppd, (train + 7) * ppd));
}
console.log('| method | MAPE 15 min | WAPE 15 min | WAPE hourly | WAPE daily |');
console.log('|---|---|---|---|---|');
for (const [m, p] of Object.entries(pred)) {
  const q = accuracy(actual, p);
  const hr = accuracy(agg(actual, 4), agg(p, 4));
  const d = accuracy(agg(actual, ppd), agg(p, ppd));
  const pc = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
  console.log(`| ${m} | ${pc(q.mape)} | ${pc(q.wape)} | ${pc(hr.wape)} | ${pc(d.wape)} |`);
}

console.log('\n| model | n | metric | model value | simulated |');
console.log('|---|---|---|---|---|');
for (const n of [11, 12, 14]) {
  const c = erlangCMetrics({
    calls: 100,
    intervalSeconds: 1800,
    ahtSeconds: 180,
    agents: n,
    targetSeconds: 20,
  });
  const sim = simulateQueue({
    seed: n,
    durationSeconds: 2_000_000,
    warmupSeconds: 3600,
    arrivalRate: 10 / 180,
    handleTime: { kind: 'exponential', mean: 180 },
    agents: n,
    serviceLevelSeconds: 20,
  });
  console.log(
    `| Erlang C, A = 10 E | ${n} | SL 20 s | ${c.serviceLevel.toFixed(4)} | ${sim.serviceLevel!.toFixed(4)} |`,
  );
  console.log(
    `| Erlang C, A = 10 E | ${n} | ASA s | ${c.asaSeconds!.toFixed(2)} | ${sim.asaSeconds!.toFixed(2)} |`,
  );
}
for (const n of [8, 9, 11]) {
  const a = erlangA({
    arrivalRate: 10 / 180,
    ahtSeconds: 180,
    patienceSeconds: 120,
    agents: n,
    targetSeconds: 20,
  });
  const sim = simulateQueue({
    seed: 100 + n,
    durationSeconds: 2_000_000,
    warmupSeconds: 3600,
    arrivalRate: 10 / 180,
    handleTime: { kind: 'exponential', mean: 180 },
    patience: { kind: 'exponential', mean: 120 },
    agents: n,
    serviceLevelSeconds: 20,
  });
  console.log(
    `| Erlang A, A = 10 E, patience 120 s | ${n} | SL 20 s (of offered) | ${a.serviceLevel.toFixed(4)} | ${sim.serviceLevel!.toFixed(4)} |`,
  );
  console.log(
    `| Erlang A, A = 10 E, patience 120 s | ${n} | P(abandon) | ${a.probAbandon.toFixed(4)} | ${sim.abandonRate!.toFixed(4)} |`,
  );
}
