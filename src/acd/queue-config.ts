import { SwbError } from '../kernel/errors.js';

export const STRATEGIES = [
  'ring-all',
  'longest-idle',
  'round-robin',
  'fewest-calls',
  'least-talk-time',
  'top-down',
  'random',
] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Where an overflowing call goes; the ACD moves queue targets itself, the call layer does the rest. */
export type OverflowTarget =
  | { kind: 'queue'; queueId: string }
  | { kind: 'voicemail'; mailbox: string | null }
  | { kind: 'callback' };

export interface OverflowRule {
  /** Overflow a call that has waited this long without being answered (null: never by time). */
  maxWaitMs: number | null;
  /** Overflow an arriving call when this many already wait (null: no limit). */
  maxWaiting: number | null;
  target: OverflowTarget;
}

/** After `afterMs` of waiting, agents down to `minLevel` are eligible (timed skill widening). */
export interface WideningStep {
  afterMs: number;
  minLevel: number;
}

export interface LastAgentRule {
  /** Hold the call for the agent who served this caller last for up to this long (behaviour 6). */
  waitMs: number;
}

/** One queue (skill group) as the routing core sees it. */
export interface QueueConfig {
  queueId: string;
  strategy: Strategy;
  /** How long one offer rings before it counts as missed. */
  ringTimeoutMs: number;
  /** Delay per priority tier: tier t becomes eligible after (t − 1) × tierDelayMs of waiting. */
  tierDelayMs: number;
  /** Timed wrap-up after a call; null = after-call work until the agent sets ready (behaviour 1). */
  wrapUpMs: number | null;
  /** Missed offers in a row after which the agent is set not-ready with reason "missed". */
  maxMissedOffers: number;
  /** Agents below this level are not offered at first. */
  minLevel: number;
  widening: WideningStep[];
  lastAgent: LastAgentRule | null;
  overflow: OverflowRule | null;
}

export const QUEUE_DEFAULTS: Omit<QueueConfig, 'queueId'> = {
  strategy: 'longest-idle',
  ringTimeoutMs: 20_000,
  tierDelayMs: 10_000,
  wrapUpMs: null,
  maxMissedOffers: 3,
  minLevel: 1,
  widening: [],
  lastAgent: null,
  overflow: null,
};

const HOUR = 3_600_000;

function bad(field: string, reason: string): SwbError {
  return new SwbError('SWB_VALIDATION', { field, reason });
}

function ms(v: number, field: string, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw bad(field, `an integer ${min}–${max} ms`);
}

/** Fills defaults and checks every field; throws SWB_VALIDATION naming the field. */
export function queueConfig(input: Partial<QueueConfig> & { queueId: string }): QueueConfig {
  const q: QueueConfig = { ...QUEUE_DEFAULTS, ...input };
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(q.queueId)) throw bad('queueId', 'an identifier');
  if (!(STRATEGIES as readonly string[]).includes(q.strategy))
    throw bad('strategy', `one of ${STRATEGIES.join(', ')}`);
  ms(q.ringTimeoutMs, 'ringTimeoutMs', 1_000, 600_000);
  ms(q.tierDelayMs, 'tierDelayMs', 0, HOUR);
  if (q.wrapUpMs !== null) ms(q.wrapUpMs, 'wrapUpMs', 0, HOUR);
  if (!Number.isInteger(q.maxMissedOffers) || q.maxMissedOffers < 1 || q.maxMissedOffers > 100)
    throw bad('maxMissedOffers', 'an integer 1–100');
  if (!Number.isInteger(q.minLevel) || q.minLevel < 1 || q.minLevel > 10) throw bad('minLevel', '1–10');
  let prev = -1;
  let prevLevel = q.minLevel;
  for (const [i, w] of q.widening.entries()) {
    ms(w.afterMs, `widening[${i}].afterMs`, 0, 24 * HOUR);
    if (w.afterMs <= prev) throw bad(`widening[${i}].afterMs`, 'steps in increasing order of wait');
    if (!Number.isInteger(w.minLevel) || w.minLevel < 1 || w.minLevel >= prevLevel)
      throw bad(`widening[${i}].minLevel`, 'each step lowers the minimum level (1–10)');
    prev = w.afterMs;
    prevLevel = w.minLevel;
  }
  if (q.lastAgent) ms(q.lastAgent.waitMs, 'lastAgent.waitMs', 0, HOUR);
  if (q.overflow) {
    const o = q.overflow;
    if (o.maxWaitMs === null && o.maxWaiting === null)
      throw bad('overflow', 'give maxWaitMs, maxWaiting or both');
    if (o.maxWaitMs !== null) ms(o.maxWaitMs, 'overflow.maxWaitMs', 0, 24 * HOUR);
    if (o.maxWaiting !== null && (!Number.isInteger(o.maxWaiting) || o.maxWaiting < 0 || o.maxWaiting > 1e6))
      throw bad('overflow.maxWaiting', 'an integer 0–1000000');
    if (o.target.kind === 'queue' && o.target.queueId === q.queueId)
      throw bad('overflow.target', 'a queue cannot overflow to itself');
    if (!['queue', 'voicemail', 'callback'].includes(o.target.kind))
      throw bad('overflow.target.kind', 'queue, voicemail or callback');
  }
  return q;
}

/** The minimum level a call that has waited `waitedMs` accepts. */
export function minLevelAt(q: QueueConfig, waitedMs: number): number {
  let level = q.minLevel;
  for (const w of q.widening) if (waitedMs >= w.afterMs) level = w.minLevel;
  return level;
}

/** The highest tier number a call that has waited `waitedMs` may ring. */
export function maxTierAt(q: QueueConfig, waitedMs: number): number {
  if (q.tierDelayMs === 0) return Number.POSITIVE_INFINITY;
  return 1 + Math.floor(waitedMs / q.tierDelayMs);
}

/** The next wait (ms after entry) at which the call's eligible set grows, or null. */
export function nextGateAfter(q: QueueConfig, waitedMs: number, maxTierPresent: number): number | null {
  let next: number | null = null;
  for (const w of q.widening) {
    if (w.afterMs > waitedMs) {
      next = w.afterMs;
      break;
    }
  }
  if (q.tierDelayMs > 0) {
    const tier = maxTierAt(q, waitedMs);
    if (tier < maxTierPresent) {
      const at = tier * q.tierDelayMs;
      if (next === null || at < next) next = at;
    }
  }
  return next;
}
