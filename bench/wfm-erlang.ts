/**
 * Erlang C required agents for 10,000 intervals (loads from 0.5 to ~1,500 Erlangs), in the worker
 * thread via WfmRunner, plus Erlang A for 1,000 intervals. Run: npx tsx bench/wfm-erlang.ts
 */
import { erlangA } from '../src/wfm/erlang/erlang-a.js';
import type { BatchStaffingRow } from '../src/wfm/erlang/staffing.js';
import { createRng } from '../src/wfm/rng.js';
import { WfmRunner } from '../src/wfm/worker/runner.js';

const rng = createRng(7);
const intervals = Array.from({ length: 10_000 }, () => ({
  calls: Math.round(10 ** (0.5 + rng.next() * 3.2)), // 3 .. ~5,000 calls per 15 min
  ahtSeconds: 180 + Math.round(rng.next() * 240),
}));
const runner = new WfmRunner();
try {
  await runner.run('erlang-batch', {
    intervals: intervals.slice(0, 10),
    intervalSeconds: 900,
    target: { serviceLevel: 0.8, targetSeconds: 20 },
  });
  const t0 = performance.now();
  let progress = 0;
  const rows = await runner.run<BatchStaffingRow[]>(
    'erlang-batch',
    { intervals, intervalSeconds: 900, target: { serviceLevel: 0.8, targetSeconds: 20, shrinkage: 0.3 } },
    { onProgress: () => progress++ },
  );
  const ms = performance.now() - t0;
  const maxAgents = Math.max(...rows.map((r) => r.agents));
  console.log(
    `erlang C required agents: ${rows.length} intervals in ${ms.toFixed(0)} ms (worker), max ${maxAgents} agents, ${progress} progress messages`,
  );
  const t1 = performance.now();
  for (let i = 0; i < 1000; i++) {
    const iv = intervals[i]!;
    erlangA({
      arrivalRate: iv.calls / 900,
      ahtSeconds: iv.ahtSeconds,
      patienceSeconds: 120,
      agents: Math.ceil((iv.calls * iv.ahtSeconds) / 900),
      targetSeconds: 20,
    });
  }
  console.log(`erlang A metrics: 1000 intervals in ${(performance.now() - t1).toFixed(0)} ms (main thread)`);
} finally {
  await runner.close();
}
