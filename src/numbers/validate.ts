/**
 * Validation of numbers, entry points and routing rules. Returns normalized values (E.164
 * numbers and prefixes, sorted weekdays) or throws SwbError with a stable code.
 */
import { SwbError } from '../kernel/errors.js';
import { classifyNumber, type NormalizeOptions, normalizeNumber, normalizePrefix } from './e164.js';
import { isIsoDate, parseHhMm } from './local-time.js';
import type { NumberKind, RoutingRule, RuleMatch, TimeWindow } from './types.js';

export const LIMITS = {
  rules: 100,
  windows: 20,
  dates: 366,
  prefixes: 200,
  vipCallers: 1000,
  ruleName: 100,
} as const;

export type EntryPointType = 'ivr' | 'queue' | 'user' | 'sip';

/** `ivr:<id>`, `queue:<id>`, `user:<extension>`, `sip:<uri>`. */
export function parseEntryPoint(ep: string): { type: EntryPointType; target: string } {
  const bad = (reason: string): never => {
    throw new SwbError('SWB_NUMBER_ENTRY_POINT', { entryPoint: String(ep).slice(0, 80), reason });
  };
  if (typeof ep !== 'string' || ep.length > 300) return bad('too long');
  const i = ep.indexOf(':');
  const type = ep.slice(0, i);
  const target = ep.slice(i + 1);
  switch (type) {
    case 'ivr':
    case 'queue':
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(target)) bad(`${type} id must be 1-64 letters, digits, _ or -`);
      return { type, target };
    case 'user':
      if (!/^[A-Za-z0-9._@-]{1,64}$/.test(target)) bad('extension must be a username');
      return { type, target };
    case 'sip':
      if (!/^[^\s<>"@]+@[A-Za-z0-9.[\]:-]+(;[^\s<>"]*)?$/.test(target)) bad('expected sip:user@host');
      return { type, target: ep };
    default:
      return bad('expected ivr:, queue:, user: or sip:');
  }
}

/** Normalizes a number for storage and checks it fits its kind (400 numbers are +86400…). */
export function validateNumber(input: string, kind: NumberKind, opts: NormalizeOptions = {}): string {
  const e164 = normalizeNumber(input, opts);
  const cls = classifyNumber(e164);
  if ((kind === '400' || kind === '800') && cls !== kind) {
    throw new SwbError('SWB_NUMBER_KIND', {
      number: e164,
      kind,
      reason: `a ${kind} number is +86${kind} followed by 7 digits`,
    });
  }
  if ((kind === 'did' || kind === 'access') && (cls === '400' || cls === '800')) {
    throw new SwbError('SWB_NUMBER_KIND', { number: e164, kind, reason: `use kind ${cls}` });
  }
  return e164;
}

function ruleError(rule: string, reason: string): never {
  throw new SwbError('SWB_NUMBER_RULE_INVALID', { rule, reason });
}

const WEEK = 7 * 1440;

/** [start, end) minute intervals of a window within the week (Monday 00:00 = 0). */
function weekIntervals(w: Required<TimeWindow>): [number, number][] {
  const from = parseHhMm(w.from)!;
  const to = parseHhMm(w.to)!;
  const out: [number, number][] = [];
  for (const d of w.weekdays) {
    const start = (d - 1) * 1440 + from;
    const end = (d - 1) * 1440 + (to > from ? to : to + 1440);
    if (end <= WEEK) out.push([start, end]);
    else out.push([start, WEEK], [0, end - WEEK]);
  }
  return out;
}

function validateWindows(rule: string, windows: TimeWindow[]): Required<TimeWindow>[] {
  if (windows.length > LIMITS.windows) ruleError(rule, `at most ${LIMITS.windows} time windows`);
  const out = windows.map((w, i) => {
    const from = parseHhMm(w.from);
    const to = parseHhMm(w.to);
    if (from === undefined || from >= 1440) ruleError(rule, `timeWindows[${i}].from must be HH:MM`);
    if (to === undefined) ruleError(rule, `timeWindows[${i}].to must be HH:MM (24:00 allowed)`);
    if (from === to % 1440) ruleError(rule, `timeWindows[${i}] is empty (from equals to)`);
    const days = w.weekdays ?? [1, 2, 3, 4, 5, 6, 7];
    if (days.length === 0) ruleError(rule, `timeWindows[${i}].weekdays is empty`);
    for (const d of days) {
      if (!Number.isInteger(d) || d < 1 || d > 7) ruleError(rule, `weekdays are 1 (Monday) to 7 (Sunday)`);
    }
    if (new Set(days).size !== days.length) ruleError(rule, `timeWindows[${i}].weekdays has duplicates`);
    return { weekdays: [...days].sort((a, b) => a - b), from: w.from, to: w.to };
  });
  const all = out.flatMap((w, i) => weekIntervals(w).map(([s, e]) => ({ s, e, i })));
  for (let a = 0; a < all.length; a++) {
    for (let b = a + 1; b < all.length; b++) {
      const x = all[a]!;
      const y = all[b]!;
      if (x.i !== y.i && x.s < y.e && y.s < x.e) {
        ruleError(rule, `timeWindows[${x.i}] and timeWindows[${y.i}] overlap`);
      }
    }
  }
  return out;
}

function validateDates(rule: string, field: string, dates: string[]): string[] {
  if (dates.length > LIMITS.dates) ruleError(rule, `at most ${LIMITS.dates} ${field}`);
  for (const d of dates) if (!isIsoDate(d)) ruleError(rule, `${field} must be YYYY-MM-DD dates`);
  return [...new Set(dates)].sort();
}

function isCatchAll(m: RuleMatch): boolean {
  return (
    !m.timeWindows?.length &&
    !m.dates?.length &&
    !m.exceptDates?.length &&
    !m.callerPrefixes?.length &&
    !m.vipCallers?.length
  );
}

export interface RuleInput {
  id?: string | undefined;
  name?: string | undefined;
  enabled?: boolean | undefined;
  match?: RuleMatch | undefined;
  entryPoint: string;
}

/**
 * Validates an ordered rule list; `newId` names rules that come without an id. A catch-all rule
 * (no condition) must be the last enabled rule, since nothing after it could ever match.
 */
export function validateRules(
  input: RuleInput[],
  newId: () => string,
  opts: NormalizeOptions = {},
): RoutingRule[] {
  if (input.length > LIMITS.rules) ruleError('-', `at most ${LIMITS.rules} rules per number`);
  const out: RoutingRule[] = [];
  input.forEach((r, idx) => {
    const name = r.name ?? `rule ${idx + 1}`;
    const label = `#${idx + 1} (${name.slice(0, 40)})`;
    if (name.length === 0 || name.length > LIMITS.ruleName) ruleError(label, 'name must be 1-100 characters');
    parseEntryPoint(r.entryPoint);
    const m = r.match ?? {};
    const match: RuleMatch = {};
    if (m.timeWindows?.length) match.timeWindows = validateWindows(label, m.timeWindows);
    if (m.dates?.length) match.dates = validateDates(label, 'dates', m.dates);
    if (m.exceptDates?.length) match.exceptDates = validateDates(label, 'exceptDates', m.exceptDates);
    if (match.dates && match.exceptDates?.some((d) => match.dates!.includes(d))) {
      ruleError(label, 'a date is in both dates and exceptDates');
    }
    if (m.callerPrefixes?.length) {
      if (m.callerPrefixes.length > LIMITS.prefixes) ruleError(label, `at most ${LIMITS.prefixes} prefixes`);
      match.callerPrefixes = [...new Set(m.callerPrefixes.map((p) => normalizePrefix(p, opts)))];
    }
    if (m.vipCallers?.length) {
      if (m.vipCallers.length > LIMITS.vipCallers)
        ruleError(label, `at most ${LIMITS.vipCallers} VIP callers`);
      match.vipCallers = [...new Set(m.vipCallers.map((n) => normalizeNumber(n, opts)))];
    }
    const rule: RoutingRule = {
      id: r.id ?? newId(),
      name,
      enabled: r.enabled ?? true,
      match,
      entryPoint: r.entryPoint,
    };
    out.push(rule);
  });
  const enabled = out.filter((r) => r.enabled);
  const catchAll = enabled.findIndex((r) => isCatchAll(r.match));
  if (catchAll >= 0 && catchAll < enabled.length - 1) {
    ruleError(
      enabled[catchAll]!.name,
      'a rule without conditions must be the last one (the ones after it can never match)',
    );
  }
  if (new Set(out.map((r) => r.id)).size !== out.length) ruleError('-', 'rule ids must be unique');
  return out;
}
