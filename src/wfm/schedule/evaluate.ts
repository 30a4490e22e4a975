/** Coverage per slot, predicted service level (Erlang C or A per slot) and a labour-rule audit. */
import { erlangA } from '../erlang/erlang-a.js';
import { erlangCMetrics } from '../erlang/erlang-c.js';
import { presence } from './breaks.js';
import type { ScheduledShift, ScheduleProblem, SlotReport } from './types.js';

export function slotReports(p: ScheduleProblem, shifts: readonly ScheduledShift[]): SlotReport[] {
  const cov = presence(p, shifts);
  const wl = p.workload;
  const seconds = p.slotMinutes * 60;
  return p.required.map((required, t) => {
    const scheduled = cov[t]!;
    let serviceLevel: number | null = null;
    let abandonRate: number | null = null;
    if (wl && wl.calls[t] !== undefined) {
      const calls = wl.calls[t]!;
      const aht = wl.ahtSeconds[t] ?? 0;
      const agents = Math.max(0, Math.floor(scheduled));
      if (!(calls > 0 && aht > 0)) serviceLevel = 1;
      else if (wl.patienceSeconds !== undefined) {
        const a = erlangA({
          arrivalRate: calls / seconds,
          ahtSeconds: aht,
          patienceSeconds: wl.patienceSeconds,
          agents,
          targetSeconds: wl.serviceLevelSeconds,
        });
        serviceLevel = a.serviceLevel;
        abandonRate = a.probAbandon;
      } else {
        serviceLevel = erlangCMetrics({
          calls,
          intervalSeconds: seconds,
          ahtSeconds: aht,
          agents,
          targetSeconds: wl.serviceLevelSeconds,
        }).serviceLevel;
      }
    }
    return {
      required,
      scheduled,
      shortfall: Math.max(0, required - scheduled),
      surplus: Math.max(0, scheduled - required),
      serviceLevel,
      abandonRate,
    };
  });
}

export function weightedServiceLevel(p: ScheduleProblem, slots: readonly SlotReport[]): number | null {
  const wl = p.workload;
  if (!wl) return null;
  let num = 0;
  let den = 0;
  slots.forEach((s, t) => {
    const c = wl.calls[t] ?? 0;
    if (c > 0 && s.serviceLevel !== null) {
      num += c * s.serviceLevel;
      den += c;
    }
  });
  return den > 0 ? num / den : null;
}

/** Every labour rule, checked independently of the solver. Returns human-readable violations. */
export function auditLabourRules(p: ScheduleProblem, shifts: readonly ScheduledShift[]): string[] {
  const v: string[] = [];
  const byAgent = new Map<string, ScheduledShift[]>();
  for (const s of shifts) {
    let l = byAgent.get(s.agentId);
    if (!l) byAgent.set(s.agentId, (l = []));
    l.push(s);
  }
  for (const [agentId, list] of byAgent) {
    const spec = p.agents.find((a) => a.agentId === agentId);
    if (!spec) {
      v.push(`${agentId}: unknown agent`);
      continue;
    }
    if (p.skill !== undefined && !spec.skills.includes(p.skill)) v.push(`${agentId}: lacks skill ${p.skill}`);
    list.sort((a, b) => a.start - b.start);
    const maxWeek = Math.min(spec.maxMinutesPerWeek ?? Infinity, p.rules.maxMinutesPerWeek);
    const total = list.reduce((s, x) => s + x.paidMinutes, 0);
    if (total > maxWeek) v.push(`${agentId}: ${total} min/week > ${maxWeek}`);
    const days = new Set<number>();
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (days.has(s.day)) v.push(`${agentId}: two shifts on day ${s.day}`);
      days.add(s.day);
      if (s.paidMinutes > p.rules.maxMinutesPerDay)
        v.push(`${agentId}: ${s.paidMinutes} min on day ${s.day}`);
      const prev = list[i - 1];
      if (prev && s.start - prev.end < p.rules.minRestMinutes) {
        v.push(`${agentId}: rest ${s.start - prev.end} min before day ${s.day}`);
      }
      const local = s.start - s.day * 1440;
      if (
        spec.availability &&
        !spec.availability.some(
          (w) => w.day === s.day && local >= w.from && local + (s.end - s.start) <= w.to,
        )
      ) {
        v.push(`${agentId}: outside availability on day ${s.day}`);
      }
      const tpl = p.templates.find((t) => t.id === s.templateId);
      if (!tpl) {
        v.push(`${agentId}: unknown template ${s.templateId}`);
        continue;
      }
      if (s.breaks.length !== tpl.breaks.length)
        v.push(`${agentId}: day ${s.day} has ${s.breaks.length} breaks`);
      for (const b of s.breaks) {
        const ok = tpl.breaks.some(
          (r) =>
            r.kind === b.kind &&
            b.end - b.start === r.minutes &&
            b.start - s.start >= r.earliestAfterStart &&
            b.start - s.start <= r.latestAfterStart,
        );
        if (!ok) v.push(`${agentId}: ${b.kind} at ${b.start} outside its window`);
      }
      for (let j = 1; j < s.breaks.length; j++) {
        if (s.breaks[j]!.start < s.breaks[j - 1]!.end)
          v.push(`${agentId}: overlapping breaks on day ${s.day}`);
      }
    }
    const sorted = [...days].sort((a, b) => a - b);
    let run = 1;
    for (let i = 1; i < sorted.length; i++) {
      run = sorted[i] === sorted[i - 1]! + 1 ? run + 1 : 1;
      if (run > p.rules.maxConsecutiveDays) v.push(`${agentId}: ${run} consecutive days`);
    }
  }
  return v;
}
