/**
 * Schedule 500 agents for a week (15-minute slots, two shift templates, breaks and meals, labour
 * rules) with the greedy + local-search solver in the worker thread; also the HiGHS IP on a
 * 60-agent week for reference. Run: npx tsx bench/wfm-schedule.ts
 */
import { demoProblem } from '../src/wfm/schedule/demo-problem.js';
import { auditLabourRules } from '../src/wfm/schedule/evaluate.js';
import type { ScheduleResult } from '../src/wfm/schedule/types.js';
import { WfmRunner } from '../src/wfm/worker/runner.js';

const runner = new WfmRunner();
try {
  for (const [agents, volume, solver] of [
    [500, 16_000, 'greedy'],
    [60, 1_800, 'greedy'],
    [60, 1_800, 'highs'],
  ] as const) {
    const problem = demoProblem({ agents, dailyVolume: volume });
    const t0 = performance.now();
    const r = await runner.run<ScheduleResult>('schedule', {
      problem,
      options: { solver, timeLimitSeconds: 10 },
    });
    const ms = performance.now() - t0;
    const need = problem.required.reduce((s, v) => s + v, 0);
    const violations = auditLabourRules(problem, r.shifts).length;
    console.log(
      `${agents} agents, ${solver}: ${ms.toFixed(0)} ms, ${r.shifts.length} shifts, shortfall ${r.totalShortfallSlots.toFixed(0)}/${need} agent-slots, predicted SL ${(r.predictedServiceLevel! * 100).toFixed(1)} %, rule violations ${violations}`,
    );
    for (const w of r.warnings.filter((x) => x.includes('HiGHS'))) console.log(`  ${w}`);
  }
} finally {
  await runner.close();
}
