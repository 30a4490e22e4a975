/**
 * Build a schedule: shift selection (HiGHS integer program or greedy heuristic), contract fill,
 * local search, then break/meal placement and the coverage / service-level report.
 */

import { placeBreaks } from './breaks.js';
import { buildShiftTypes, validateProblem } from './candidates.js';
import { slotReports, weightedServiceLevel } from './evaluate.js';
import { applyCover, createWorkspace, fillContracts, greedyCover, localSearch, pickAgent } from './greedy.js';
import { assignCounts, solveShiftCounts } from './highs-solver.js';
import type { ScheduledShift, ScheduleProblem, ScheduleResult } from './types.js';

export interface ScheduleOptions {
  /** 'auto' uses HiGHS for up to 40 shift types per day and ≤ 200 agents, greedy otherwise. */
  readonly solver?: 'greedy' | 'highs' | 'auto';
  readonly timeLimitSeconds?: number;
  readonly localSearchPasses?: number;
  /** Awaited between phases (progress reporting and cancellation in the worker runner). */
  readonly checkpoint?: (done: number, total: number, phase: string) => Promise<void>;
}

export async function buildSchedule(p: ScheduleProblem, o: ScheduleOptions = {}): Promise<ScheduleResult> {
  validateProblem(p);
  const step = async (i: number, phase: string) => o.checkpoint?.(i, 5, phase);
  await step(0, 'shift-types');
  const warnings: string[] = [];
  const types = buildShiftTypes(p);
  if (types.length === 0) warnings.push('no shift template fits the daily maximum: nothing can be scheduled');
  const w = createWorkspace(p, types, warnings);
  if (w.agents.length === 0) warnings.push('no agent in the roster has the skill: nothing can be scheduled');
  const solver =
    o.solver === 'auto' || o.solver === undefined
      ? types.length / p.days <= 40 && w.agents.length <= 200
        ? 'highs'
        : 'greedy'
      : o.solver;
  if (solver === 'highs' && types.length > 0 && w.agents.length > 0) {
    // the greedy solution on a scratch copy of the roster is the IP's starting incumbent
    const scratch = createWorkspace(p, types, []);
    greedyCover(scratch);
    localSearch(scratch, 1);
    const start = new Map<number, number>();
    for (const a of scratch.agents)
      for (const s of a.byDay) if (s) start.set(s.index, (start.get(s.index) ?? 0) + 1);
    const r = await solveShiftCounts(w, o.timeLimitSeconds ?? 10, start);
    if (r.status !== 'Optimal')
      warnings.push(`HiGHS stopped with status '${r.status}': using its best solution`);
    const unstaffed = assignCounts(w, r.counts, (s) => {
      const a = pickAgent(w, s);
      if (!a) return false;
      a.assign(s);
      applyCover(w, s, 1);
      return true;
    });
    if (unstaffed > 0)
      warnings.push(`${unstaffed} shifts of the IP could not be staffed individually; repaired greedily`);
  }
  await step(1, 'greedy');
  greedyCover(w);
  fillContracts(w);
  await step(2, 'local-search');
  localSearch(w, o.localSearchPasses ?? 4);
  await step(3, 'breaks');

  const shifts: ScheduledShift[] = [];
  for (const a of w.agents) {
    for (const s of a.byDay) {
      if (!s) continue;
      shifts.push({
        agentId: a.spec.agentId,
        day: s.day,
        templateId: s.template.id,
        start: s.start,
        end: s.end,
        paidMinutes: s.paidMinutes,
        breaks: [],
      });
    }
  }
  placeBreaks(p, shifts);
  await step(4, 'evaluate');
  shifts.sort((a, b) => a.start - b.start || (a.agentId < b.agentId ? -1 : 1));
  const slots = slotReports(p, shifts);
  const totalShortfallSlots = slots.reduce((s, x) => s + x.shortfall, 0);
  if (totalShortfallSlots > 0) {
    const short = slots.filter((s) => s.shortfall > 0).length;
    warnings.push(
      `requirement not met in ${short} slots (total shortfall ${totalShortfallSlots.toFixed(1)} agent-slots)`,
    );
  }
  const minutesByAgent: Record<string, number> = {};
  for (const a of w.agents) minutesByAgent[a.spec.agentId] = a.minutes;
  await step(5, 'done');
  return {
    shifts,
    slots,
    totalShortfallSlots,
    predictedServiceLevel: weightedServiceLevel(p, slots),
    minutesByAgent,
    warnings,
    solver,
  };
}
