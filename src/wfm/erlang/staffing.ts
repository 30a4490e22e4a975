/**
 * Required agents for a service target (Erlang C or Erlang A), with shrinkage on top.
 * Erlang C search walks n upward from ⌊A⌋+1 carrying the Erlang B recurrence, so one search is
 * O(n) and never recomputes from scratch. Shrinkage s (breaks, training, absence) turns agents on
 * the phones into agents to schedule: scheduled = ⌈onPhone / (1 − s)⌉.
 */
import { SwbError } from '../../kernel/errors.js';
import { inputError, requireFinite } from '../validate.js';
import { type ErlangAResult, erlangA } from './erlang-a.js';
import { type ErlangCResult, erlangB, erlangCMetricsFromB, trafficErlangs } from './erlang-c.js';

export interface StaffingTarget {
  /** Fraction answered within targetSeconds (0 ≤ x < 1). */
  readonly serviceLevel: number;
  readonly targetSeconds: number;
  /** Optional cap on occupancy (e.g. 0.85): more agents if exceeded. */
  readonly maxOccupancy?: number;
  /** Optional cap on ASA in seconds. */
  readonly maxAsaSeconds?: number;
  /** Fraction of paid time not on the phones (0 ≤ s < 1). Default 0. */
  readonly shrinkage?: number;
  /** Staffing floor when volume is zero or tiny (default 0). */
  readonly minAgents?: number;
}

export interface StaffingInput extends StaffingTarget {
  readonly calls: number;
  readonly intervalSeconds: number;
  readonly ahtSeconds: number;
}

export interface StaffingResult {
  /** Agents needed on the phones. */
  readonly agents: number;
  /** Agents to schedule after shrinkage. */
  readonly scheduled: number;
  readonly metrics: ErlangCResult;
}

function checkTarget(t: StaffingTarget): void {
  requireFinite('serviceLevel', t.serviceLevel, 0, 1);
  requireFinite('targetSeconds', t.targetSeconds, 0);
  if (t.serviceLevel >= 1) {
    throw new SwbError('SWB_WFM_TARGET_UNREACHABLE', {
      reason: 'a service level of 100 % is never reached by a queue with random arrivals',
      serviceLevel: t.serviceLevel,
    });
  }
  if (t.maxOccupancy !== undefined) requireFinite('maxOccupancy', t.maxOccupancy, Number.MIN_VALUE, 1);
  if (t.maxAsaSeconds !== undefined) requireFinite('maxAsaSeconds', t.maxAsaSeconds, 0);
  if (t.maxAsaSeconds === 0) {
    throw new SwbError('SWB_WFM_TARGET_UNREACHABLE', { reason: 'an ASA of 0 s is never reached' });
  }
  const s = t.shrinkage ?? 0;
  requireFinite('shrinkage', s, 0, 1);
  if (s >= 1) throw inputError('shrinkage must be below 1');
}

export function applyShrinkage(agents: number, shrinkage = 0): number {
  requireFinite('shrinkage', shrinkage, 0, 0.999999);
  return agents === 0 ? 0 : Math.ceil(agents / (1 - shrinkage) - 1e-9);
}

/** Upper bound for any search: beyond this Erlang C SL is 1 to machine precision for sane targets. */
function searchCap(a: number): number {
  return Math.ceil(a + 40 * Math.sqrt(a) + 200);
}

export function requiredAgentsErlangC(input: StaffingInput): StaffingResult {
  checkTarget(input);
  const a = trafficErlangs(input.calls, input.intervalSeconds, input.ahtSeconds);
  const min = Math.max(0, Math.ceil(input.minAgents ?? 0));
  if (a === 0) {
    const metrics = erlangCMetricsFromB(min, 0, 0, input.ahtSeconds, input.targetSeconds);
    return { agents: min, scheduled: applyShrinkage(min, input.shrinkage), metrics };
  }
  let n = Math.max(1, Math.floor(a) + 1);
  let b = erlangB(n, a);
  const cap = searchCap(a);
  for (; n <= cap; n++) {
    if (n > Math.floor(a) + 1) b = (a * b) / (n + a * b);
    const m = erlangCMetricsFromB(n, a, b, input.ahtSeconds, input.targetSeconds);
    if (n >= min && meets(m.serviceLevel, m.occupancy, m.asaSeconds ?? Infinity, input)) {
      return { agents: n, scheduled: applyShrinkage(n, input.shrinkage), metrics: m };
    }
  }
  throw new SwbError('SWB_WFM_TARGET_UNREACHABLE', {
    reason: `target not met with up to ${cap} agents`,
    trafficErlangs: a,
    serviceLevel: input.serviceLevel,
    targetSeconds: input.targetSeconds,
  });
}

function meets(sl: number, occ: number, asa: number, t: StaffingTarget): boolean {
  if (sl < t.serviceLevel) return false;
  if (t.maxOccupancy !== undefined && occ > t.maxOccupancy) return false;
  if (t.maxAsaSeconds !== undefined && asa > t.maxAsaSeconds) return false;
  return true;
}

export interface StaffingAInput extends StaffingInput {
  readonly patienceSeconds: number;
  /** Optional cap on the abandonment probability (e.g. 0.05). */
  readonly maxAbandon?: number;
}

export interface StaffingAResult {
  readonly agents: number;
  readonly scheduled: number;
  readonly metrics: ErlangAResult;
}

/** Erlang A staffing: smallest n meeting SL (answered within T of offered) and the optional caps. */
export function requiredAgentsErlangA(input: StaffingAInput): StaffingAResult {
  checkTarget(input);
  if (input.maxAbandon !== undefined) requireFinite('maxAbandon', input.maxAbandon, 0, 1);
  const a = trafficErlangs(input.calls, input.intervalSeconds, input.ahtSeconds);
  const lambda = input.calls / input.intervalSeconds;
  const min = Math.max(0, Math.ceil(input.minAgents ?? 0));
  const cap = searchCap(a);
  const ok = (n: number): ErlangAResult | undefined => {
    const m = erlangA({
      arrivalRate: lambda,
      ahtSeconds: input.ahtSeconds,
      patienceSeconds: input.patienceSeconds,
      agents: n,
      targetSeconds: input.targetSeconds,
    });
    if (!meets(m.serviceLevel, m.occupancy, m.asaSeconds, input)) return undefined;
    if (input.maxAbandon !== undefined && m.probAbandon > input.maxAbandon) return undefined;
    return m;
  };
  // SL is increasing in n: binary search over [min, cap].
  let lo = min;
  let hi = cap;
  if (!ok(hi)) {
    throw new SwbError('SWB_WFM_TARGET_UNREACHABLE', { reason: `target not met with up to ${cap} agents` });
  }
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid + 1;
  }
  const metrics = ok(lo)!;
  return { agents: lo, scheduled: applyShrinkage(lo, input.shrinkage), metrics };
}

export interface IntervalStaffing {
  readonly calls: number;
  readonly ahtSeconds: number;
}

export interface BatchStaffingRow {
  readonly agents: number;
  readonly scheduled: number;
  readonly serviceLevel: number;
  readonly asaSeconds: number | null;
  readonly occupancy: number;
  /** Predicted abandonment (Erlang A rows only). */
  readonly abandonRate?: number;
  /** Set when the target was unreachable and the row is a capped best effort. */
  readonly warning?: string;
}

export interface BatchTarget extends StaffingTarget {
  /** Mean caller patience: when given, rows are staffed with Erlang A instead of Erlang C. */
  readonly patienceSeconds?: number;
  /** Erlang A only: cap on the abandonment probability. */
  readonly maxAbandon?: number;
}

/** Required agents for many intervals; unreachable rows become capped best efforts with a warning. */
export function requiredAgentsBatch(
  intervals: readonly IntervalStaffing[],
  intervalSeconds: number,
  target: BatchTarget,
): BatchStaffingRow[] {
  checkTarget(target);
  if (target.patienceSeconds !== undefined)
    requireFinite('patienceSeconds', target.patienceSeconds, Number.MIN_VALUE);
  const out: BatchStaffingRow[] = [];
  for (const iv of intervals) {
    const input = { ...target, calls: iv.calls, ahtSeconds: iv.ahtSeconds, intervalSeconds };
    try {
      if (target.patienceSeconds !== undefined) {
        const r = requiredAgentsErlangA({ ...input, patienceSeconds: target.patienceSeconds });
        out.push({
          agents: r.agents,
          scheduled: r.scheduled,
          serviceLevel: r.metrics.serviceLevel,
          asaSeconds: r.metrics.asaSeconds,
          occupancy: r.metrics.occupancy,
          abandonRate: r.metrics.probAbandon,
        });
        continue;
      }
      const r = requiredAgentsErlangC(input);
      out.push({
        agents: r.agents,
        scheduled: r.scheduled,
        serviceLevel: r.metrics.serviceLevel,
        asaSeconds: r.metrics.asaSeconds,
        occupancy: r.metrics.occupancy,
      });
    } catch (e) {
      if (!(e instanceof SwbError) || e.code !== 'SWB_WFM_TARGET_UNREACHABLE') throw e;
      const a = trafficErlangs(iv.calls, intervalSeconds, iv.ahtSeconds);
      const n = searchCap(a);
      const m = erlangCMetricsFromB(n, a, erlangB(n, a), iv.ahtSeconds, target.targetSeconds);
      out.push({
        agents: n,
        scheduled: applyShrinkage(n, target.shrinkage),
        serviceLevel: m.serviceLevel,
        asaSeconds: m.asaSeconds,
        occupancy: m.occupancy,
        warning: 'target unreachable; capped',
      });
    }
  }
  return out;
}
