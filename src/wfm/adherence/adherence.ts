/**
 * Schedule adherence: compare planned activities with actual agent status intervals.
 *   adherence   = time in the planned activity / scheduled time (planned activities other than 'off')
 *   conformance = actual on-phone time / planned work time (worked the right amount, maybe not when planned)
 * Planned 'work' is met by available/ringing/talking/hold/acw; break, meal, training, meeting by
 * the same actual activity; time without any status counts as logged out. Out-of-adherence stretches
 * shorter than `graceSeconds` are forgiven (the usual tolerance for a late click).
 */
import { SwbError } from '../../kernel/errors.js';
import { zonedToUtc } from '../../reports/time/zoned.js';
import type {
  AgentActivity,
  AgentStatusInterval,
  PlannedActivity,
  PlannedActivityKind,
} from '../../reports/types.js';
import type { ScheduledShift } from '../schedule/types.js';

const ON_PHONE: ReadonlySet<AgentActivity> = new Set(['available', 'ringing', 'talking', 'hold', 'acw']);

export function matches(planned: PlannedActivityKind, actual: AgentActivity): boolean {
  switch (planned) {
    case 'work':
      return ON_PHONE.has(actual);
    case 'off':
      return actual === 'logged_out';
    default:
      return planned === actual;
  }
}

export interface AdherenceException {
  readonly start: number;
  readonly end: number;
  readonly planned: PlannedActivityKind;
  readonly actual: AgentActivity;
}

export interface AgentAdherence {
  readonly agentId: string;
  readonly scheduledSeconds: number;
  readonly inAdherenceSeconds: number;
  readonly adherence: number | null;
  readonly plannedWorkSeconds: number;
  readonly actualWorkSeconds: number;
  readonly conformance: number | null;
  readonly exceptions: AdherenceException[];
}

export interface AdherenceOptions {
  readonly tenantId: string;
  readonly from: number;
  readonly to: number;
  readonly graceSeconds?: number;
}

function checkRecords(
  list: readonly { tenantId: string; start: number; end: number }[],
  tenantId: string,
): void {
  for (const r of list) {
    if (r.tenantId !== tenantId) throw new SwbError('SWB_WFM_INPUT', { reason: 'record of another tenant' });
    if (!(Number.isFinite(r.start) && Number.isFinite(r.end) && r.end >= r.start)) {
      throw new SwbError('SWB_WFM_INPUT', { reason: 'interval with end before start' });
    }
  }
}

function groupBy<T extends { agentId: string; start: number }>(list: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of list) {
    let l = m.get(x.agentId);
    if (!l) m.set(x.agentId, (l = []));
    l.push(x);
  }
  for (const l of m.values()) l.sort((a, b) => a.start - b.start);
  return m;
}

function activityAt<T extends { start: number; end: number }>(
  list: readonly T[],
  t: number,
  hint: { i: number },
): T | undefined {
  while (hint.i < list.length && list[hint.i]!.end <= t) hint.i++;
  const x = list[hint.i];
  return x && x.start <= t ? x : undefined;
}

export function adherence(
  planned: readonly PlannedActivity[],
  actual: readonly AgentStatusInterval[],
  o: AdherenceOptions,
): AgentAdherence[] {
  checkRecords(planned, o.tenantId);
  checkRecords(actual, o.tenantId);
  if (!(o.to > o.from)) throw new SwbError('SWB_WFM_INPUT', { reason: 'from must be before to' });
  const grace = (o.graceSeconds ?? 0) * 1000;
  const plan = groupBy(planned);
  const act = groupBy(actual);
  const out: AgentAdherence[] = [];
  for (const agentId of [...new Set([...plan.keys(), ...act.keys()])].sort()) {
    const p = plan.get(agentId) ?? [];
    const a = act.get(agentId) ?? [];
    const cuts = new Set<number>([o.from, o.to]);
    for (const x of [...p, ...a]) {
      if (x.start > o.from && x.start < o.to) cuts.add(x.start);
      if (x.end > o.from && x.end < o.to) cuts.add(x.end);
    }
    const times = [...cuts].sort((x, y) => x - y);
    let scheduled = 0;
    let inAdh = 0;
    let plannedWork = 0;
    let actualWork = 0;
    const exceptions: AdherenceException[] = [];
    const hp = { i: 0 };
    const ha = { i: 0 };
    for (let k = 0; k + 1 < times.length; k++) {
      const t0 = times[k]!;
      const t1 = times[k + 1]!;
      const kind: PlannedActivityKind = activityAt(p, t0, hp)?.kind ?? 'off';
      const did: AgentActivity = activityAt(a, t0, ha)?.activity ?? 'logged_out';
      const len = t1 - t0;
      if (ON_PHONE.has(did)) actualWork += len;
      if (kind === 'off') continue;
      scheduled += len;
      if (kind === 'work') plannedWork += len;
      if (matches(kind, did)) {
        inAdh += len;
        continue;
      }
      const last = exceptions[exceptions.length - 1];
      if (last && last.end === t0 && last.planned === kind && last.actual === did) {
        exceptions[exceptions.length - 1] = { ...last, end: t1 };
      } else exceptions.push({ start: t0, end: t1, planned: kind, actual: did });
    }
    // forgive short exceptions
    const kept = exceptions.filter((e) => {
      if (e.end - e.start >= grace) return true;
      inAdh += e.end - e.start;
      return false;
    });
    out.push({
      agentId,
      scheduledSeconds: scheduled / 1000,
      inAdherenceSeconds: inAdh / 1000,
      adherence: scheduled > 0 ? inAdh / scheduled : null,
      plannedWorkSeconds: plannedWork / 1000,
      actualWorkSeconds: actualWork / 1000,
      conformance: plannedWork > 0 ? actualWork / plannedWork : null,
      exceptions: kept,
    });
  }
  return out;
}

/** Where the horizon's minute 0 is: a local date in the tenant's zone (DST-correct), or a fixed instant. */
export type HorizonAnchor =
  | {
      readonly timeZone: string;
      readonly startDate: { readonly year: number; readonly month: number; readonly day: number };
    }
  | { readonly startMs: number };

/**
 * Planned activities of a schedule as instants. Schedule minutes are local wall-clock minutes
 * (day d = minutes 1440·d … 1440·(d+1)); with a time-zone anchor each minute is converted through
 * the zone, so on a DST day a 09:00 shift still starts at 09:00 local.
 */
export function plannedFromShifts(
  tenantId: string,
  shifts: readonly ScheduledShift[],
  anchor: HorizonAnchor | number,
): PlannedActivity[] {
  const a: HorizonAnchor = typeof anchor === 'number' ? { startMs: anchor } : anchor;
  const ms =
    'startMs' in a
      ? (m: number) => a.startMs + m * 60_000
      : (m: number) =>
          zonedToUtc(
            a.timeZone,
            a.startDate.year,
            a.startDate.month,
            a.startDate.day + Math.floor(m / 1440),
            0,
            m % 1440,
          );
  const out: PlannedActivity[] = [];
  for (const s of shifts) {
    let t = s.start;
    for (const b of [...s.breaks].sort((x, y) => x.start - y.start)) {
      if (b.start > t)
        out.push({ tenantId, agentId: s.agentId, kind: 'work', start: ms(t), end: ms(b.start) });
      out.push({ tenantId, agentId: s.agentId, kind: b.kind, start: ms(b.start), end: ms(b.end) });
      t = b.end;
    }
    if (s.end > t) out.push({ tenantId, agentId: s.agentId, kind: 'work', start: ms(t), end: ms(s.end) });
  }
  return out;
}

export interface AdherenceRollup {
  readonly key: string;
  readonly agents: number;
  readonly scheduledSeconds: number;
  readonly inAdherenceSeconds: number;
  /** Time-weighted: Σ in-adherence / Σ scheduled (not a mean of agent percentages). */
  readonly adherence: number | null;
  readonly conformance: number | null;
}

/** Roll agent adherence up to teams (or any grouping); agents without a group go to '(none)'. */
export function rollupAdherence(
  rows: readonly AgentAdherence[],
  groupOf: (agentId: string) => string | undefined,
): AdherenceRollup[] {
  const acc = new Map<
    string,
    { agents: number; sched: number; inAdh: number; planned: number; worked: number }
  >();
  for (const r of rows) {
    const key = groupOf(r.agentId) ?? '(none)';
    let a = acc.get(key);
    if (!a) acc.set(key, (a = { agents: 0, sched: 0, inAdh: 0, planned: 0, worked: 0 }));
    a.agents++;
    a.sched += r.scheduledSeconds;
    a.inAdh += r.inAdherenceSeconds;
    a.planned += r.plannedWorkSeconds;
    a.worked += r.actualWorkSeconds;
  }
  return [...acc]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([key, a]) => ({
      key,
      agents: a.agents,
      scheduledSeconds: a.sched,
      inAdherenceSeconds: a.inAdh,
      adherence: a.sched > 0 ? a.inAdh / a.sched : null,
      conformance: a.planned > 0 ? a.worked / a.planned : null,
    }));
}
