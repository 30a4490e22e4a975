/**
 * Historical aggregation: records → counters per (local interval × dimension key) → metrics.
 * Pure: records, tenant time zone and `now` come in, rows go out.
 */
import { SwbError } from '../../kernel/errors.js';
import { bucketStart, localLabel, nextBucketStart } from '../time/zoned.js';
import type { AgentStatusInterval, ContactRecord, Dimension, Granularity, SurveyResult } from '../types.js';
import {
  type AgentTimeCounters,
  addCounters,
  type ContactCounters,
  countContact,
  emptyAgentTimeCounters,
  emptyContactCounters,
  emptySurveyCounters,
  type SurveyCounters,
} from './counters.js';
import {
  type AgentTimeMetrics,
  agentTimeMetrics,
  type ContactMetrics,
  contactMetrics,
  type ServiceLevelVariant,
  type SurveyMetrics,
  surveyMetrics,
} from './definitions.js';
import { FCR_NOT_ELIGIBLE, markFirstContactResolution } from './fcr.js';

export interface ReportOptions {
  readonly tenantId: string;
  readonly timeZone: string;
  readonly granularity: Granularity;
  readonly dimension: Dimension;
  /** Only records with offeredAt in [from, to) are counted. */
  readonly from: number;
  readonly to: number;
  /** Evaluation instant (FCR windows still open at `now` are not counted yet). */
  readonly now: number;
  readonly slThresholdSeconds?: number;
  readonly shortAbandonSeconds?: number;
  readonly serviceLevelVariant?: ServiceLevelVariant;
  /** Repeat-caller window for first-contact resolution (default 7 days). */
  readonly fcrWindowSeconds?: number;
  /** Survey score ≥ this fraction of scaleMax counts as satisfied (default 0.8: 4 of 5). */
  readonly satisfiedFraction?: number;
  readonly weekStartsOn?: number;
  readonly direction?: 'inbound' | 'outbound';
}

export interface ReportRow<M, C> {
  readonly bucketStart: number;
  readonly bucketEnd: number;
  /** Local wall-clock label of the bucket start in the tenant time zone. */
  readonly label: string;
  readonly key: string;
  readonly counters: C;
  readonly metrics: M;
}

const NONE = '(none)';

function checkOptions(o: ReportOptions): void {
  if (!(o.to > o.from) || !Number.isFinite(o.from) || !Number.isFinite(o.to) || !Number.isFinite(o.now)) {
    throw new SwbError('SWB_REPORTS_INPUT', { reason: 'from/to/now must be finite with from < to' });
  }
  for (const [k, v] of [
    ['slThresholdSeconds', o.slThresholdSeconds],
    ['shortAbandonSeconds', o.shortAbandonSeconds],
    ['fcrWindowSeconds', o.fcrWindowSeconds],
  ] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
      throw new SwbError('SWB_REPORTS_INPUT', { reason: `${k} must be a finite number ≥ 0` });
    }
  }
}

function checkTenant(r: { tenantId: string }, tenantId: string): void {
  if (r.tenantId !== tenantId) {
    throw new SwbError('SWB_REPORTS_INPUT', { reason: 'record of another tenant in a tenant report' });
  }
}

function contactKeys(r: ContactRecord, d: Dimension): readonly string[] {
  switch (d) {
    case 'tenant':
      return [r.tenantId];
    case 'queue':
      return [r.queueId ?? NONE];
    case 'agent':
      return [r.agentId ?? NONE];
    case 'team':
      return [r.teamId ?? NONE];
    case 'number':
      return [r.numberId ?? NONE];
    case 'ivrNode':
      return r.ivrNodeIds && r.ivrNodeIds.length > 0 ? [...new Set(r.ivrNodeIds)] : [NONE];
  }
}

class Buckets<C> {
  readonly #map = new Map<number, Map<string, C>>();
  constructor(readonly make: () => C) {}
  get(start: number, key: string): C {
    let inner = this.#map.get(start);
    if (!inner) this.#map.set(start, (inner = new Map()));
    let c = inner.get(key);
    if (!c) inner.set(key, (c = this.make()));
    return c;
  }
  rows<M>(o: ReportOptions, metric: (c: C) => M): ReportRow<M, C>[] {
    const out: ReportRow<M, C>[] = [];
    for (const start of [...this.#map.keys()].sort((a, b) => a - b)) {
      const bucketEnd = nextBucketStart(start, o.granularity, o.timeZone, o.weekStartsOn ?? 1);
      const label = localLabel(start, o.timeZone);
      const inner = this.#map.get(start)!;
      for (const key of [...inner.keys()].sort()) {
        const c = inner.get(key)!;
        out.push({ bucketStart: start, bucketEnd, label, key, counters: c, metrics: metric(c) });
      }
    }
    return out;
  }
}

export function contactReport(
  records: readonly ContactRecord[],
  o: ReportOptions,
): ReportRow<ContactMetrics, ContactCounters>[] {
  checkOptions(o);
  const direction = o.direction ?? 'inbound';
  const opts = {
    slThresholdSeconds: o.slThresholdSeconds ?? 20,
    shortAbandonSeconds: o.shortAbandonSeconds ?? 5,
  };
  const fcr = markFirstContactResolution(records, o.fcrWindowSeconds ?? 7 * 86_400, o.now);
  const buckets = new Buckets(emptyContactCounters);
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    checkTenant(r, o.tenantId);
    if (r.direction !== direction || r.offeredAt < o.from || r.offeredAt >= o.to) continue;
    if (o.dimension !== 'ivrNode' && r.queueId === undefined) continue;
    const start = bucketStart(r.offeredAt, o.granularity, o.timeZone, o.weekStartsOn ?? 1);
    const f = fcr[i]!;
    for (const key of contactKeys(r, o.dimension)) {
      const c = buckets.get(start, key);
      countContact(c, r, opts);
      if (f !== FCR_NOT_ELIGIBLE) {
        c.fcrEligible++;
        if (f === 1) c.fcrResolved++;
      }
    }
  }
  const variant = o.serviceLevelVariant ?? 'offered-excluding-short-abandons';
  return buckets.rows(o, (c) => contactMetrics(c, variant));
}

const BUSY = new Set(['talking', 'hold', 'acw', 'ringing']);

/** Agent time split across buckets (an interval crossing a boundary is cut at it). */
export function agentTimeReport(
  intervals: readonly AgentStatusInterval[],
  o: ReportOptions,
): ReportRow<AgentTimeMetrics, AgentTimeCounters>[] {
  checkOptions(o);
  const buckets = new Buckets(emptyAgentTimeCounters);
  const wso = o.weekStartsOn ?? 1;
  for (const iv of intervals) {
    checkTenant(iv, o.tenantId);
    if (!(iv.end >= iv.start) || !Number.isFinite(iv.start) || !Number.isFinite(iv.end)) {
      throw new SwbError('SWB_REPORTS_INPUT', { reason: 'status interval with end before start' });
    }
    if (iv.activity === 'logged_out') continue;
    const key =
      o.dimension === 'agent' ? iv.agentId : o.dimension === 'team' ? (iv.teamId ?? NONE) : iv.tenantId;
    let t = Math.max(iv.start, o.from);
    const end = Math.min(iv.end, o.to);
    while (t < end) {
      const start = bucketStart(t, o.granularity, o.timeZone, wso);
      const next = Math.min(end, nextBucketStart(start, o.granularity, o.timeZone, wso));
      const secs = (next - t) / 1000;
      const c = buckets.get(start, key);
      c.staffedSeconds += secs;
      if (iv.activity === 'available') c.availableSeconds += secs;
      else if (BUSY.has(iv.activity)) c.busySeconds += secs;
      else c.unavailableSeconds += secs;
      t = next;
    }
  }
  return buckets.rows(o, agentTimeMetrics);
}

export function surveyReport(
  surveys: readonly SurveyResult[],
  o: ReportOptions,
): ReportRow<SurveyMetrics, SurveyCounters>[] {
  checkOptions(o);
  const satisfiedFraction = o.satisfiedFraction ?? 0.8;
  const buckets = new Buckets(emptySurveyCounters);
  for (const s of surveys) {
    checkTenant(s, o.tenantId);
    if (s.respondedAt < o.from || s.respondedAt >= o.to) continue;
    if (!(s.scaleMax > 0) || !(s.score >= 0 && s.score <= s.scaleMax)) {
      throw new SwbError('SWB_REPORTS_INPUT', { reason: 'survey score outside 0..scaleMax' });
    }
    const start = bucketStart(s.respondedAt, o.granularity, o.timeZone, o.weekStartsOn ?? 1);
    const key =
      o.dimension === 'queue'
        ? (s.queueId ?? NONE)
        : o.dimension === 'agent'
          ? (s.agentId ?? NONE)
          : o.dimension === 'team'
            ? (s.teamId ?? NONE)
            : o.dimension === 'number'
              ? (s.numberId ?? NONE)
              : s.tenantId;
    const c = buckets.get(start, key);
    c.responses++;
    c.normalisedScoreSum += s.score / s.scaleMax;
    if (s.score / s.scaleMax >= satisfiedFraction - 1e-12) c.satisfied++;
  }
  return buckets.rows(o, surveyMetrics);
}

/** Sum rows of one report into a single total (e.g. the "Total" line of a table). */
export function totalOf<C extends object>(rows: readonly { counters: C }[], make: () => C): C {
  const t = make();
  for (const r of rows) addCounters(t, r.counters);
  return t;
}
