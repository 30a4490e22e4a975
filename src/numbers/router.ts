/**
 * The inbound router: which entry point a call to `calledNumber` from `callerNumber` at `now`
 * reaches. Pure (no I/O, `now` and time zone passed in), so it is tested exhaustively and takes
 * microseconds.
 *
 * Precedence:
 * 1. The called number must be known and enabled (else `unknown-number` / `disabled`).
 * 2. A call that arrives on an **access number** (接入号) may carry the 400/800 number the caller
 *    dialled (`originalCalledNumber`: To, Diversion or History-Info). When that number is bound to
 *    this access number, its rules decide (PRODUCT.md behaviour 8: many 400 numbers share one or
 *    more access numbers); a 400 number not bound to the access number is ignored.
 * 3. The served number's enabled rules in order; the first whose conditions all hold wins.
 * 4. The served number's default entry point.
 * 5. When a 400 number arrived over an access number and neither matched: the access number's
 *    rules, then its default.
 * 6. When the carrier delivers a bound 400/800 number **directly** (Request-URI = the 400 number)
 *    and it has no matching rule and no default: it routes like the **first** access number it is
 *    bound to (the binding order is the operator's choice of which access number leads). Without
 *    this a 400 number configured only through its access number rang when delivered one way and
 *    got 480 the other.
 */
import { type LocalTime, localTime, parseHhMm, previousDay } from './local-time.js';
import type { PlanNumber, RouteDecision, RoutingRule, RuleMatch } from './types.js';

/** The numbers the router can see (one tenant's, or all owners' for the SIP side). */
export interface NumberPlan {
  byNumber(e164: string): PlanNumber | undefined;
  byId(id: string): PlanNumber | undefined;
}

export function planOf(numbers: PlanNumber[]): NumberPlan {
  const byNumber = new Map(numbers.map((n) => [n.number, n]));
  const byId = new Map(numbers.map((n) => [n.id, n]));
  return { byNumber: (e) => byNumber.get(e), byId: (i) => byId.get(i) };
}

export interface RouteInput {
  /** E.164 number the call was delivered to (Request-URI). */
  calledNumber: string;
  /** E.164 number the caller dialled when the carrier delivered it to an access number. */
  originalCalledNumber?: string | undefined;
  /** E.164 caller number; undefined for anonymous callers. */
  callerNumber?: string | undefined;
  /** Epoch ms. */
  now: number;
  /** The tenant's IANA time zone (a number may override it). */
  timeZone: string;
  plan: NumberPlan;
}

function windowStart(match: RuleMatch, t: LocalTime): string | undefined {
  if (!match.timeWindows?.length) return t.date;
  for (const w of match.timeWindows) {
    const from = parseHhMm(w.from)!;
    const to = parseHhMm(w.to)!;
    const days = w.weekdays ?? [1, 2, 3, 4, 5, 6, 7];
    if (from < to) {
      if (days.includes(t.weekday) && t.minute >= from && t.minute < to) return t.date;
    } else {
      // spans midnight: the part after midnight belongs to the window that opened the day before
      if (days.includes(t.weekday) && t.minute >= from) return t.date;
      const prev = previousDay(t);
      if (days.includes(prev.weekday) && t.minute < to) return prev.date;
    }
  }
  return undefined;
}

/** True when every condition of the rule holds for this caller at this local time. */
export function ruleMatches(rule: RoutingRule, t: LocalTime, caller: string | undefined): boolean {
  const m = rule.match;
  if (m.vipCallers?.length && (caller === undefined || !m.vipCallers.includes(caller))) return false;
  if (
    m.callerPrefixes?.length &&
    (caller === undefined || !m.callerPrefixes.some((p) => caller.startsWith(p)))
  ) {
    return false;
  }
  const day = windowStart(m, t);
  if (day === undefined) return false;
  if (m.dates?.length && !m.dates.includes(day)) return false;
  if (m.exceptDates?.includes(day)) return false;
  return true;
}

function evaluate(
  n: PlanNumber,
  input: RouteInput,
  trace: string[],
): { entryPoint: string; ruleId: string | null } | undefined {
  const tz = n.timeZone ?? input.timeZone;
  const t = localTime(input.now, tz);
  trace.push(`${n.number}: local time ${t.date} ${fmt(t.minute)} weekday ${t.weekday} (${tz})`);
  for (const r of n.rules) {
    if (!r.enabled) continue;
    if (ruleMatches(r, t, input.callerNumber)) {
      trace.push(`${n.number}: rule "${r.name}" matches → ${r.entryPoint}`);
      return { entryPoint: r.entryPoint, ruleId: r.id };
    }
    trace.push(`${n.number}: rule "${r.name}" does not match`);
  }
  if (n.entryPoint) {
    trace.push(`${n.number}: default entry point → ${n.entryPoint}`);
    return { entryPoint: n.entryPoint, ruleId: null };
  }
  trace.push(`${n.number}: no rule matched and no default entry point`);
  return undefined;
}

function fmt(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/**
 * Ids a caller must add to the plan so that route() can follow a directly delivered 400/800
 * number to its lead access number (the plan usually holds just the numbers of the call).
 */
export function missingLeadAccessIds(numbers: PlanNumber[]): string[] {
  const have = new Set(numbers.map((n) => n.id));
  const out = new Set<string>();
  for (const n of numbers) {
    const lead = n.accessNumberIds[0];
    if (lead !== undefined && !have.has(lead)) out.add(lead);
  }
  return [...out];
}

/** The access number a directly delivered 400/800 number falls back to: the first bound one. */
function leadAccessNumber(n: PlanNumber, plan: NumberPlan, trace: string[]): PlanNumber | undefined {
  const id = n.accessNumberIds[0];
  if (id === undefined) return undefined;
  const access = plan.byId(id);
  if (!access || access.tenantId !== n.tenantId) return undefined;
  if (!access.enabled) {
    trace.push(`${n.number}: bound access number ${access.number} is disabled`);
    return undefined;
  }
  trace.push(`${n.number} delivered directly: routing like its first access number ${access.number}`);
  return access;
}

export function route(input: RouteInput): RouteDecision {
  const trace: string[] = [];
  const called = input.plan.byNumber(input.calledNumber);
  const none = (reason: RouteDecision['reason']): RouteDecision => ({
    entryPoint: null,
    ruleId: null,
    reason,
    tenantId: called?.tenantId ?? null,
    calledNumberId: called?.id ?? null,
    servedNumberId: null,
    servedNumber: null,
    trace,
  });
  if (!called) {
    trace.push(`${input.calledNumber} is not a number of ours`);
    return none('unknown-number');
  }
  if (!called.enabled) {
    trace.push(`${called.number} is disabled`);
    return none('disabled');
  }
  let served = called;
  // the binding decides: a 400 number rides on the numbers it is bound to (usually kind access)
  if (input.originalCalledNumber && input.originalCalledNumber !== called.number) {
    const orig = input.plan.byNumber(input.originalCalledNumber);
    if (orig && orig.tenantId === called.tenantId && orig.accessNumberIds.includes(called.id)) {
      if (orig.enabled) {
        served = orig;
        trace.push(`${orig.number} (${orig.kind}) arrived over access number ${called.number}`);
      } else trace.push(`${orig.number} is disabled; routing by access number ${called.number}`);
    } else {
      trace.push(`${input.originalCalledNumber} is not bound to access number ${called.number}; ignored`);
    }
  }
  const base = {
    tenantId: called.tenantId,
    calledNumberId: called.id,
    servedNumberId: served.id,
    servedNumber: served.number,
    trace,
  };
  const hit = evaluate(served, input, trace);
  if (hit) return { ...base, ...hit, reason: hit.ruleId ? 'rule' : 'default' };
  const via = served !== called ? called : leadAccessNumber(called, input.plan, trace);
  if (via) {
    const fallback = evaluate(via, input, trace);
    if (fallback) {
      return {
        ...base,
        ...fallback,
        reason: fallback.ruleId ? 'access-number-rule' : 'access-number-default',
      };
    }
  }
  return { ...none('no-match'), servedNumberId: served.id, servedNumber: served.number };
}
