/**
 * Forecast 100 queues from one year of 15-minute history each (35,040 points per queue): backtest
 * of both methods over 4 held-out weeks, pick the best, forecast 4 weeks — in the worker thread.
 * Run: npx tsx bench/wfm-forecast.ts
 */
import { syntheticHistory } from '../src/wfm/forecast/synthetic.js';
import { WfmRunner } from '../src/wfm/worker/runner.js';

const t0 = performance.now();
const queues = Array.from({ length: 100 }, (_, q) => {
  const s = syntheticHistory({
    seed: q + 1,
    days: 365,
    dailyVolume: 200 + q * 40,
    holidays: [120, 250, 358],
    campaigns: [{ startDay: 300 + (q % 30), days: 5 }],
  });
  return { queueId: `q${q}`, history: s.history, events: s.events };
});
console.log(`generated 100 × 365 days × 96 slots in ${(performance.now() - t0).toFixed(0)} ms`);
const runner = new WfmRunner();
try {
  const t1 = performance.now();
  const out = await runner.run<{ method: string; scores: { method: string; calls: { wape: number } }[] }[]>(
    'forecast',
    {
      queues,
      horizonDays: 28,
      folds: 4,
    },
  );
  const ms = performance.now() - t1;
  const chosen: Record<string, number> = {};
  for (const o of out) chosen[o.method] = (chosen[o.method] ?? 0) + 1;
  const wape = (m: string) =>
    out.reduce((s, o) => s + o.scores.find((x) => x.method === m)!.calls.wape, 0) / out.length;
  console.log(
    `forecast 100 queues (backtest 4 weeks × 3 methods + 28-day horizon): ${ms.toFixed(0)} ms (worker)`,
  );
  console.log(`chosen: ${JSON.stringify(chosen)}`);
  for (const m of ['seasonal-naive', 'holt-winters', 'regression']) {
    console.log(`mean WAPE ${m}: ${wape(m).toFixed(3)}`);
  }
} finally {
  await runner.close();
}
