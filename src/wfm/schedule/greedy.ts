/**
 * Heuristic shift selection: greedy set cover over shift types, then contract fill and local
 * search. The objective is Σ shortfall + λ·Σ surplus over slots (expected coverage, breaks spread
 * over their windows). Greedy set cover is the classic ln(n)-approximation for covering; the local
 * search (move a shift to another start/template on the same day) removes most of its waste.
 */
import { AgentState, type ShiftType } from './candidates.js';
import type { ScheduleProblem } from './types.js';

export const SURPLUS_WEIGHT = 0.05;

export interface Workspace {
  readonly p: ScheduleProblem;
  readonly types: readonly ShiftType[];
  readonly agents: AgentState[];
  /** Expected coverage per slot. */
  readonly cov: Float64Array;
  readonly warnings: string[];
}

export function createWorkspace(
  p: ScheduleProblem,
  types: readonly ShiftType[],
  warnings: string[],
  shared?: Map<string, AgentState>,
): Workspace {
  const agents = p.agents
    .filter((a) => p.skill === undefined || a.skills.includes(p.skill))
    .map((a) => {
      let st = shared?.get(a.agentId);
      if (!st) {
        st = new AgentState(a, p.days, Math.min(a.maxMinutesPerWeek ?? Infinity, p.rules.maxMinutesPerWeek));
        shared?.set(a.agentId, st);
      }
      return st;
    });
  return { p, types, agents, cov: new Float64Array(p.required.length), warnings };
}

/** Change of the objective if shift type s is added (sign = 1) or removed (sign = −1). */
export function delta(w: Workspace, s: ShiftType, sign: 1 | -1): number {
  let d = 0;
  const req = w.p.required;
  for (let k = 0; k < s.cover.length; k++) {
    const t = s.firstSlot + k;
    const c0 = w.cov[t]!;
    const c1 = c0 + sign * s.cover[k]!;
    const r = req[t]!;
    d +=
      Math.max(0, r - c1) -
      Math.max(0, r - c0) +
      SURPLUS_WEIGHT * (Math.max(0, c1 - r) - Math.max(0, c0 - r));
  }
  return d;
}

export function applyCover(w: Workspace, s: ShiftType, sign: 1 | -1): void {
  for (let k = 0; k < s.cover.length; k++) w.cov[s.firstSlot + k]! += sign * s.cover[k]!;
}

function preferencePenalty(a: AgentState, s: ShiftType): number {
  const pref = a.spec.preferredStart;
  return pref === undefined ? 0 : Math.abs(s.start - s.day * 1440 - pref) / 600;
}

/** Best agent for a shift type: one still short of contract first, then preference fit, then spare capacity. */
export function pickAgent(w: Workspace, s: ShiftType): AgentState | undefined {
  let best: AgentState | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const a of w.agents) {
    if (!a.canTake(s, w.p)) continue;
    const need = a.spec.contractMinutesPerWeek - a.minutes;
    const score = (need > 0 ? 1000 + need / 60 : 0) - preferencePenalty(a, s) - a.minutes / 10_000;
    if (score > bestScore) {
      bestScore = score;
      best = a;
    }
  }
  return best;
}

/**
 * Add shifts while they reduce the objective. With several workspaces (skill groups sharing
 * agents) each step takes the best shift type over all groups, so multi-skilled agents go where
 * they are needed most.
 */
export function greedyCover(
  ws: Workspace | readonly Workspace[],
  maxShifts = Number.POSITIVE_INFINITY,
): void {
  const list = Array.isArray(ws) ? (ws as readonly Workspace[]) : [ws as Workspace];
  const dead = list.map((w) => new Uint8Array(w.types.length));
  const gains = list.map((w) => new Float64Array(w.types.length));
  for (let added = 0; added < maxShifts; ) {
    list.forEach((w, g) => {
      for (const s of w.types)
        gains[g]![s.index] = dead[g]![s.index] ? Number.POSITIVE_INFINITY : delta(w, s, 1);
    });
    let placed = false;
    for (;;) {
      let bg = -1;
      let bi = -1;
      for (let g = 0; g < list.length; g++) {
        const gg = gains[g]!;
        for (let i = 0; i < gg.length; i++) {
          if (gg[i]! < -1e-9 && (bi < 0 || gg[i]! < gains[bg]![bi]!)) {
            bg = g;
            bi = i;
          }
        }
      }
      if (bi < 0) return;
      const w = list[bg]!;
      const s = w.types[bi]!;
      const a = pickAgent(w, s);
      if (!a) {
        dead[bg]![bi] = 1;
        gains[bg]![bi] = Number.POSITIVE_INFINITY;
        continue;
      }
      a.assign(s);
      applyCover(w, s, 1);
      placed = true;
      added++;
      break;
    }
    if (!placed) return;
  }
}

/** Give agents below their contracted minutes the least harmful feasible shifts (any of their groups). */
export function fillContracts(ws: Workspace | readonly Workspace[]): void {
  const list = Array.isArray(ws) ? (ws as readonly Workspace[]) : [ws as Workspace];
  const members = list.map((w) => new Set(w.agents));
  const agents = [...new Set(list.flatMap((w) => w.agents))];
  for (const a of agents) {
    const p = list.find((_, g) => members[g]!.has(a))!.p;
    for (let guard = 0; a.minutes < a.spec.contractMinutesPerWeek && guard < p.days; guard++) {
      let best: ShiftType | undefined;
      let bestW: Workspace | undefined;
      let bestD = Number.POSITIVE_INFINITY;
      list.forEach((w, g) => {
        if (!members[g]!.has(a)) return;
        for (const s of w.types) {
          if (!a.canTake(s, w.p)) continue;
          const d = delta(w, s, 1) + preferencePenalty(a, s) * 0.01;
          if (d < bestD) {
            bestD = d;
            best = s;
            bestW = w;
          }
        }
      });
      if (!best || !bestW) break;
      a.assign(best);
      applyCover(bestW, best, 1);
    }
    if (a.minutes < a.spec.contractMinutesPerWeek) {
      list[0]!.warnings.push(
        `agent ${a.spec.agentId}: ${a.minutes} of ${a.spec.contractMinutesPerWeek} contracted minutes (rules or availability)`,
      );
    }
  }
}

/** Move each shift to the best start/template on its day while that improves the objective. */
export function localSearch(w: Workspace, passes = 4): void {
  const byDay: ShiftType[][] = Array.from({ length: w.p.days }, () => []);
  for (const s of w.types) byDay[s.day]!.push(s);
  const own = new Set(w.types); // with shared agents, only this group's shifts are moved here
  for (let pass = 0; pass < passes; pass++) {
    let improved = false;
    for (const a of w.agents) {
      for (let day = 0; day < w.p.days; day++) {
        const cur = a.byDay[day];
        if (!cur || !own.has(cur)) continue;
        applyCover(w, cur, -1);
        const base = delta(w, cur, 1) + preferencePenalty(a, cur) * 0.01;
        let best = cur;
        let bestD = base;
        for (const s of byDay[day]!) {
          if (s === cur || s.paidMinutes < cur.paidMinutes) continue; // never cut contracted time
          if (!a.canTake(s, w.p, true)) continue;
          const d = delta(w, s, 1) + preferencePenalty(a, s) * 0.01;
          if (d < bestD - 1e-9) {
            bestD = d;
            best = s;
          }
        }
        if (bestD > 1e-9 && a.minutes - cur.paidMinutes >= a.spec.contractMinutesPerWeek) {
          a.unassign(day); // the shift only adds surplus and the contract holds without it
          improved = true;
          continue;
        }
        if (best !== cur) {
          a.assign(best);
          improved = true;
        }
        applyCover(w, best, 1);
      }
    }
    if (!improved) return;
  }
}
