/**
 * Metric definitions (formulas documented in docs/metrics.md). Every ratio returns null when its
 * denominator is zero — never NaN or Infinity — so an empty interval shows "—", not "0 %".
 */
import type { AgentTimeCounters, ContactCounters, SurveyCounters } from './counters.js';

/** Denominator variants for service level (see docs/metrics.md). */
export type ServiceLevelVariant =
  /** answered within T / answered */
  | 'answered'
  /** answered within T / offered (abandons count as misses) */
  | 'offered'
  /** answered within T / (offered − short abandons) — the common default */
  | 'offered-excluding-short-abandons'
  /** (answered within T + abandoned within T) / offered — abandons within T count as met */
  | 'abandons-within-threshold-met';

export const SERVICE_LEVEL_VARIANTS: readonly ServiceLevelVariant[] = [
  'answered',
  'offered',
  'offered-excluding-short-abandons',
  'abandons-within-threshold-met',
];

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

export function serviceLevel(c: ContactCounters, variant: ServiceLevelVariant): number | null {
  switch (variant) {
    case 'answered':
      return ratio(c.answeredWithinSl, c.answered);
    case 'offered':
      return ratio(c.answeredWithinSl, c.offered);
    case 'offered-excluding-short-abandons':
      return ratio(c.answeredWithinSl, c.offered - c.shortAbandoned);
    case 'abandons-within-threshold-met':
      return ratio(c.answeredWithinSl + c.abandonedWithinSl, c.offered);
  }
}

export interface ContactMetrics {
  readonly offered: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly shortAbandoned: number;
  /** answered / offered (接通率). */
  readonly answerRate: number | null;
  /** answered / (offered − short abandons): the variant that forgives instant hang-ups. */
  readonly answerRateExShort: number | null;
  /** abandoned / offered; abandonRateExShort excludes short abandons from both sides. */
  readonly abandonRate: number | null;
  readonly abandonRateExShort: number | null;
  readonly serviceLevel: number | null;
  readonly serviceLevelVariant: ServiceLevelVariant;
  /** Average speed of answer: Σ wait(answered) / answered, seconds. */
  readonly asaSeconds: number | null;
  readonly maxAnswerWaitSeconds: number;
  /** Average abandon wait, seconds. */
  readonly avgAbandonWaitSeconds: number | null;
  /** Average handle time: Σ(talk + hold + ACW) / handled. */
  readonly ahtSeconds: number | null;
  readonly avgTalkSeconds: number | null;
  readonly avgHoldSeconds: number | null;
  /** Average after-call work: Σ ACW / handled. */
  readonly acwSeconds: number | null;
  /** transferred / answered. */
  readonly transferRate: number | null;
  /** First-contact resolution: no repeat from the same customer within the window. */
  readonly fcrRate: number | null;
}

export function contactMetrics(c: ContactCounters, variant: ServiceLevelVariant): ContactMetrics {
  const handleSum = c.talkSum + c.holdSum + c.acwSum;
  return {
    offered: c.offered,
    answered: c.answered,
    abandoned: c.abandoned,
    shortAbandoned: c.shortAbandoned,
    answerRate: ratio(c.answered, c.offered),
    answerRateExShort: ratio(c.answered, c.offered - c.shortAbandoned),
    abandonRate: ratio(c.abandoned, c.offered),
    abandonRateExShort: ratio(c.abandoned - c.shortAbandoned, c.offered - c.shortAbandoned),
    serviceLevel: serviceLevel(c, variant),
    serviceLevelVariant: variant,
    asaSeconds: ratio(c.answerWaitSum, c.answered),
    maxAnswerWaitSeconds: c.maxAnswerWait,
    avgAbandonWaitSeconds: ratio(c.abandonWaitSum, c.abandoned),
    ahtSeconds: ratio(handleSum, c.handled),
    avgTalkSeconds: ratio(c.talkSum, c.handled),
    avgHoldSeconds: ratio(c.holdSum, c.handled),
    acwSeconds: ratio(c.acwSum, c.handled),
    transferRate: ratio(c.transferred, c.answered),
    fcrRate: ratio(c.fcrResolved, c.fcrEligible),
  };
}

export interface AgentTimeMetrics {
  readonly staffedSeconds: number;
  /** busy / (busy + available): share of ready time spent on contacts. */
  readonly occupancy: number | null;
  /** busy / staffed: share of logged-in time spent on contacts. */
  readonly utilisation: number | null;
}

export function agentTimeMetrics(t: AgentTimeCounters): AgentTimeMetrics {
  return {
    staffedSeconds: t.staffedSeconds,
    occupancy: ratio(t.busySeconds, t.busySeconds + t.availableSeconds),
    utilisation: ratio(t.busySeconds, t.staffedSeconds),
  };
}

export interface SurveyMetrics {
  readonly responses: number;
  /** satisfied / responses (CSAT, "top-box"). */
  readonly csat: number | null;
  /** mean of score/scaleMax, 0..1. */
  readonly meanScore: number | null;
}

export function surveyMetrics(s: SurveyCounters): SurveyMetrics {
  return {
    responses: s.responses,
    csat: ratio(s.satisfied, s.responses),
    meanScore: ratio(s.normalisedScoreSum, s.responses),
  };
}
