/** Shift types (day × template × start) and per-agent eligibility under the labour rules. */
import { inputError } from '../validate.js';
import type { AgentSpec, ScheduleProblem, ShiftTemplate } from './types.js';

export interface ShiftType {
  readonly index: number;
  readonly day: number;
  readonly template: ShiftTemplate;
  readonly start: number;
  readonly end: number;
  readonly paidMinutes: number;
  /** First slot and expected coverage per slot (fractional inside break windows). */
  readonly firstSlot: number;
  readonly cover: Float64Array;
}

export function paidMinutesOf(t: ShiftTemplate): number {
  return t.lengthMinutes - t.breaks.filter((b) => !b.paid).reduce((s, b) => s + b.minutes, 0);
}

export function validateProblem(p: ScheduleProblem): void {
  const slotsPerDay = 1440 / p.slotMinutes;
  if (!Number.isInteger(slotsPerDay) || p.slotMinutes < 5) throw inputError('slotMinutes must divide 1440');
  if (!Number.isInteger(p.days) || p.days < 1 || p.days > 31) throw inputError('days must be 1..31');
  if (p.required.length !== p.days * slotsPerDay) {
    throw inputError(`required must have days × ${slotsPerDay} entries`, { got: p.required.length });
  }
  if (p.required.some((r) => !(Number.isFinite(r) && r >= 0)))
    throw inputError('required must be finite and ≥ 0');
  if (p.templates.length === 0) throw inputError('at least one shift template is needed');
  if (p.workload) {
    const { calls, ahtSeconds, serviceLevelSeconds, patienceSeconds } = p.workload;
    if (patienceSeconds !== undefined && !(patienceSeconds > 0))
      throw inputError('workload patience must be > 0');
    const ok = (a: readonly number[]) =>
      a.length === p.required.length && a.every((v) => Number.isFinite(v) && v >= 0);
    if (!ok(calls) || !ok(ahtSeconds) || !(serviceLevelSeconds >= 0)) {
      throw inputError('workload calls/AHT must match required in length and be finite ≥ 0');
    }
  }
  const ids = new Set<string>();
  for (const a of p.agents) {
    if (ids.has(a.agentId)) throw inputError(`duplicate agent ${a.agentId}`);
    ids.add(a.agentId);
    if (!(a.contractMinutesPerWeek >= 0))
      throw inputError(`agent ${a.agentId}: contract minutes must be ≥ 0`);
  }
  for (const t of p.templates) {
    const mult = (v: number) => v % p.slotMinutes === 0;
    if (!(t.lengthMinutes > 0) || !mult(t.lengthMinutes) || !mult(t.earliestStart) || !(t.startStep > 0)) {
      throw inputError(`template ${t.id}: lengths and starts must be positive multiples of the slot`);
    }
    if (t.latestStart < t.earliestStart || !mult(t.startStep))
      throw inputError(`template ${t.id}: bad start range`);
    for (const b of t.breaks) {
      if (!mult(b.minutes) || !mult(b.earliestAfterStart) || b.latestAfterStart < b.earliestAfterStart) {
        throw inputError(`template ${t.id}: break windows must be slot multiples with earliest ≤ latest`);
      }
      if (b.latestAfterStart + b.minutes > t.lengthMinutes)
        throw inputError(`template ${t.id}: break ends after shift`);
    }
  }
  const r = p.rules;
  if (
    !(r.maxMinutesPerDay > 0 && r.maxMinutesPerWeek > 0 && r.minRestMinutes >= 0 && r.maxConsecutiveDays >= 1)
  ) {
    throw inputError('labour rules must be positive');
  }
}

export function buildShiftTypes(p: ScheduleProblem): ShiftType[] {
  const out: ShiftType[] = [];
  const sm = p.slotMinutes;
  const totalSlots = p.required.length;
  for (let day = 0; day < p.days; day++) {
    for (const t of p.templates) {
      const paid = paidMinutesOf(t);
      if (paid > p.rules.maxMinutesPerDay) continue;
      for (let s = t.earliestStart; s <= t.latestStart; s += t.startStep) {
        const start = day * 1440 + s;
        const end = start + t.lengthMinutes;
        const firstSlot = start / sm;
        const n = Math.min(t.lengthMinutes / sm, totalSlots - firstSlot);
        if (n <= 0) continue;
        const cover = new Float64Array(n).fill(1);
        // expected presence inside each break window: 1 − minutes / window width
        for (const b of t.breaks) {
          const w0 = b.earliestAfterStart / sm;
          const w1 = (b.latestAfterStart + b.minutes) / sm;
          const frac = b.minutes / (b.latestAfterStart + b.minutes - b.earliestAfterStart);
          for (let k = w0; k < w1 && k < n; k++) cover[k]! -= frac;
        }
        for (let k = 0; k < n; k++) cover[k] = Math.max(0, cover[k]!);
        out.push({ index: out.length, day, template: t, start, end, paidMinutes: paid, firstSlot, cover });
      }
    }
  }
  return out;
}

/** Per-agent state for rule checks. */
export class AgentState {
  readonly byDay: (ShiftType | undefined)[];
  minutes = 0;
  constructor(
    readonly spec: AgentSpec,
    days: number,
    readonly maxWeek: number,
  ) {
    this.byDay = new Array(days).fill(undefined);
  }

  /** Can this agent take shift type s (ignoring a shift being replaced on the same day)? */
  canTake(s: ShiftType, p: ScheduleProblem, replacing = false): boolean {
    const cur = this.byDay[s.day];
    if (cur && !replacing) return false;
    const minutes = this.minutes - (replacing && cur ? cur.paidMinutes : 0) + s.paidMinutes;
    if (minutes > this.maxWeek) return false;
    if (this.spec.templates && !this.spec.templates.includes(s.template.id)) return false;
    if (this.spec.availability) {
      const local = s.start - s.day * 1440;
      const ok = this.spec.availability.some(
        (w) => w.day === s.day && local >= w.from && local + s.template.lengthMinutes <= w.to,
      );
      if (!ok) return false;
    }
    const rest = p.rules.minRestMinutes;
    const prev = this.#nearest(s.day, -1);
    if (prev && s.start - prev.end < rest) return false;
    const next = this.#nearest(s.day, 1);
    if (next && next.start - s.end < rest) return false;
    // consecutive working days including this one
    let run = 1;
    for (let d = s.day - 1; d >= 0 && this.byDay[d]; d--) run++;
    for (let d = s.day + 1; d < this.byDay.length && this.byDay[d]; d++) run++;
    return run <= p.rules.maxConsecutiveDays;
  }

  #nearest(day: number, dir: -1 | 1): ShiftType | undefined {
    for (let d = day + dir; d >= 0 && d < this.byDay.length; d += dir) {
      const s = this.byDay[d];
      if (s) return s;
    }
    return undefined;
  }

  assign(s: ShiftType): void {
    const cur = this.byDay[s.day];
    if (cur) this.minutes -= cur.paidMinutes;
    this.byDay[s.day] = s;
    this.minutes += s.paidMinutes;
  }

  unassign(day: number): void {
    const cur = this.byDay[day];
    if (cur) this.minutes -= cur.paidMinutes;
    this.byDay[day] = undefined;
  }
}
