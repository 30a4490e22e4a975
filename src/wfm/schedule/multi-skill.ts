/**
 * Multi-skill scheduling with skill-dedicated shifts: each skill group has its own requirement;
 * an agent may work shifts for any group whose skill they have, one shift a day, and every labour
 * rule applies across groups (the agents' states are shared). Greedy selection takes the best
 * shift type over all groups at each step, so multi-skilled agents go where they are needed most;
 * contracts are filled from whichever group gains most; local search and break placement run per
 * group. (Blended shifts that serve several skills at once are not modelled.)
 */

import { placeBreaks } from './breaks.js';
import type { AgentState } from './candidates.js';
import { buildShiftTypes, validateProblem } from './candidates.js';
import { slotReports, weightedServiceLevel } from './evaluate.js';
import { createWorkspace, fillContracts, greedyCover, localSearch, type Workspace } from './greedy.js';
import type { ScheduledShift, ScheduleProblem, SlotReport } from './types.js';

export interface SkillGroup {
  readonly skill: string;
  readonly required: readonly number[];
  readonly workload?: ScheduleProblem['workload'];
}

export type MultiSkillProblem = Omit<ScheduleProblem, 'required' | 'skill' | 'workload'> & {
  readonly groups: readonly SkillGroup[];
};

export interface GroupResult {
  readonly skill: string;
  readonly slots: SlotReport[];
  readonly totalShortfallSlots: number;
  readonly predictedServiceLevel: number | null;
}

export interface MultiSkillResult {
  readonly shifts: ScheduledShift[];
  readonly groups: GroupResult[];
  readonly minutesByAgent: Record<string, number>;
  readonly warnings: string[];
}

export function groupProblem(p: MultiSkillProblem, g: SkillGroup): ScheduleProblem {
  const { groups: _groups, ...base } = p;
  return { ...base, skill: g.skill, required: g.required, workload: g.workload };
}

export function buildMultiSkillSchedule(
  p: MultiSkillProblem,
  o: { localSearchPasses?: number } = {},
): MultiSkillResult {
  const warnings: string[] = [];
  const shared = new Map<string, AgentState>();
  const problems = p.groups.map((g) => groupProblem(p, g));
  const spaces: Workspace[] = problems.map((gp) => {
    validateProblem(gp);
    const w = createWorkspace(gp, buildShiftTypes(gp), warnings, shared);
    if (w.agents.length === 0) warnings.push(`no agent has skill ${gp.skill}`);
    return w;
  });
  greedyCover(spaces);
  fillContracts(spaces);
  for (const w of spaces) localSearch(w, o.localSearchPasses ?? 4);

  const shifts: ScheduledShift[] = [];
  const groups: GroupResult[] = [];
  spaces.forEach((w, g) => {
    const own = new Set(w.types);
    const mine: ScheduledShift[] = [];
    for (const a of w.agents) {
      for (const s of a.byDay) {
        if (!s || !own.has(s)) continue;
        mine.push({
          agentId: a.spec.agentId,
          skill: w.p.skill,
          day: s.day,
          templateId: s.template.id,
          start: s.start,
          end: s.end,
          paidMinutes: s.paidMinutes,
          breaks: [],
        });
      }
    }
    placeBreaks(problems[g]!, mine);
    const slots = slotReports(problems[g]!, mine);
    const totalShortfallSlots = slots.reduce((s, x) => s + x.shortfall, 0);
    if (totalShortfallSlots > 0) {
      warnings.push(
        `${w.p.skill}: requirement not met (total shortfall ${totalShortfallSlots.toFixed(1)} agent-slots)`,
      );
    }
    groups.push({
      skill: w.p.skill!,
      slots,
      totalShortfallSlots,
      predictedServiceLevel: weightedServiceLevel(problems[g]!, slots),
    });
    shifts.push(...mine);
  });
  shifts.sort((a, b) => a.start - b.start || (a.agentId < b.agentId ? -1 : 1));
  const minutesByAgent: Record<string, number> = {};
  for (const [id, a] of shared) minutesByAgent[id] = a.minutes;
  return { shifts, groups, minutesByAgent, warnings };
}
