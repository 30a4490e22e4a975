/**
 * Additive counters: the one place where records turn into numbers. Historical reports and the
 * real-time wallboard both fill these and both derive ratios with definitions.ts, so a metric means
 * the same thing on every screen. All sums are seconds.
 */
import type { ContactRecord } from '../types.js';

export interface ContactCounters {
  offered: number;
  answered: number;
  abandoned: number;
  /** Abandoned with wait < shortAbandonSeconds (caller hung up almost at once). */
  shortAbandoned: number;
  /** Left the queue unanswered without abandoning (overflow, timeout). */
  overflowed: number;
  answeredWithinSl: number;
  abandonedWithinSl: number;
  /** Σ wait of answered contacts. */
  answerWaitSum: number;
  /** Σ wait of abandoned contacts. */
  abandonWaitSum: number;
  maxAnswerWait: number;
  /** Contacts handled by an agent (answered); AHT denominator. */
  handled: number;
  talkSum: number;
  holdSum: number;
  acwSum: number;
  transferred: number;
  /** Answered contacts whose repeat window has fully elapsed (FCR denominator). */
  fcrEligible: number;
  /** Of those, no repeat contact from the same customer inside the window. */
  fcrResolved: number;
}

export interface AgentTimeCounters {
  /** Logged-in time (everything but logged_out). */
  staffedSeconds: number;
  availableSeconds: number;
  /** talking + hold + acw + ringing. */
  busySeconds: number;
  /** not_ready, break, meal, training, meeting. */
  unavailableSeconds: number;
}

export interface SurveyCounters {
  responses: number;
  satisfied: number;
  /** Σ score normalised to 0..1 (score / scaleMax). */
  normalisedScoreSum: number;
}

export function emptyContactCounters(): ContactCounters {
  return {
    offered: 0,
    answered: 0,
    abandoned: 0,
    shortAbandoned: 0,
    overflowed: 0,
    answeredWithinSl: 0,
    abandonedWithinSl: 0,
    answerWaitSum: 0,
    abandonWaitSum: 0,
    maxAnswerWait: 0,
    handled: 0,
    talkSum: 0,
    holdSum: 0,
    acwSum: 0,
    transferred: 0,
    fcrEligible: 0,
    fcrResolved: 0,
  };
}

export function emptyAgentTimeCounters(): AgentTimeCounters {
  return { staffedSeconds: 0, availableSeconds: 0, busySeconds: 0, unavailableSeconds: 0 };
}

export function emptySurveyCounters(): SurveyCounters {
  return { responses: 0, satisfied: 0, normalisedScoreSum: 0 };
}

/** c += d, field by field (also used with sign −1 by the rolling windows). */
export function addCounters<T extends object>(c: T, d: T, sign = 1): void {
  const cc = c as Record<string, number>;
  const dd = d as Record<string, number>;
  for (const k of Object.keys(dd)) {
    if (k === 'maxAnswerWait') cc[k] = sign > 0 ? Math.max(cc[k]!, dd[k]!) : cc[k]!;
    else cc[k] = cc[k]! + sign * dd[k]!;
  }
}

export interface CountOptions {
  /** T of "answered within T seconds". */
  readonly slThresholdSeconds: number;
  /** Abandons with wait below this are short abandons. */
  readonly shortAbandonSeconds: number;
}

/** Adds one finished queue contact. FCR is added separately (needs the neighbours). */
export function countContact(c: ContactCounters, r: ContactRecord, o: CountOptions): void {
  c.offered++;
  if (r.answeredAt !== undefined) {
    const wait = Math.max(0, (r.answeredAt - r.offeredAt) / 1000);
    c.answered++;
    c.handled++;
    c.answerWaitSum += wait;
    if (wait > c.maxAnswerWait) c.maxAnswerWait = wait;
    if (wait <= o.slThresholdSeconds) c.answeredWithinSl++;
    c.talkSum += r.talkSeconds;
    c.holdSum += r.holdSeconds;
    c.acwSum += r.acwSeconds;
    if (r.transferred) c.transferred++;
  } else if (r.abandonedAt !== undefined) {
    const wait = Math.max(0, (r.abandonedAt - r.offeredAt) / 1000);
    c.abandoned++;
    c.abandonWaitSum += wait;
    if (wait < o.shortAbandonSeconds) c.shortAbandoned++;
    if (wait <= o.slThresholdSeconds) c.abandonedWithinSl++;
  } else {
    c.overflowed++;
  }
}
