/**
 * Wallboard aggregation per queue for one tenant: rolling windows (e.g. last 15 and 60 minutes),
 * "today" since local midnight and the current local interval, both reset by instant comparison
 * with the precomputed next boundary in the tenant time zone (so DST days are 23/25 h and a
 * midnight crossing between two events resets correctly). O(1) per event; `now` is passed in.
 */
import { SwbError } from '../../kernel/errors.js';
import { type ContactCounters, emptyContactCounters } from '../metrics/counters.js';
import { type ContactMetrics, contactMetrics, type ServiceLevelVariant } from '../metrics/definitions.js';
import { assertTimeZone, bucketStart, nextBucketStart } from '../time/zoned.js';
import type { Granularity } from '../types.js';
import { RollingWindow } from './rolling-window.js';

export type WallboardEvent =
  | { readonly type: 'offered'; readonly tenantId: string; readonly queueId: string; readonly at: number }
  | {
      readonly type: 'answered';
      readonly tenantId: string;
      readonly queueId: string;
      readonly at: number;
      readonly waitSeconds: number;
    }
  | {
      readonly type: 'abandoned';
      readonly tenantId: string;
      readonly queueId: string;
      readonly at: number;
      readonly waitSeconds: number;
    }
  | {
      /** After-call work finished: the handle time is known. */
      readonly type: 'handled';
      readonly tenantId: string;
      readonly queueId: string;
      readonly at: number;
      readonly talkSeconds: number;
      readonly holdSeconds: number;
      readonly acwSeconds: number;
      readonly transferred: boolean;
    };

export interface WallboardOptions {
  readonly tenantId: string;
  readonly timeZone: string;
  readonly slThresholdSeconds: number;
  readonly shortAbandonSeconds: number;
  readonly serviceLevelVariant?: ServiceLevelVariant;
  /** Rolling windows in minutes (default [15, 60]); 1-minute buckets. */
  readonly rollingMinutes?: readonly number[];
  /** Current-interval granularity (default '15m'). */
  readonly interval?: Granularity;
}

class Resetting {
  c = emptyContactCounters();
  #start = Number.NaN;
  #next = Number.NEGATIVE_INFINITY;
  constructor(
    readonly g: Granularity,
    readonly tz: string,
  ) {}
  at(t: number): ContactCounters | undefined {
    if (t >= this.#next) {
      this.#start = bucketStart(t, this.g, this.tz);
      this.#next = nextBucketStart(this.#start, this.g, this.tz);
      this.c = emptyContactCounters();
    }
    return t >= this.#start ? this.c : undefined; // an event from a previous day is dropped
  }
  get start(): number {
    return this.#start;
  }
}

interface QueueBoard {
  rolling: RollingWindow<ContactCounters>[];
  today: Resetting;
  interval: Resetting;
}

export interface QueueSnapshot {
  readonly queueId: string;
  readonly rolling: { readonly minutes: number; readonly metrics: ContactMetrics }[];
  readonly today: ContactMetrics;
  readonly todayStart: number;
  readonly interval: ContactMetrics;
  readonly intervalStart: number;
}

export class Wallboard {
  readonly #queues = new Map<string, QueueBoard>();
  readonly #minutes: readonly number[];

  constructor(readonly options: WallboardOptions) {
    assertTimeZone(options.timeZone);
    this.#minutes = options.rollingMinutes ?? [15, 60];
  }

  #board(queueId: string): QueueBoard {
    let b = this.#queues.get(queueId);
    if (!b) {
      b = {
        rolling: this.#minutes.map((m) => new RollingWindow(60_000, m, emptyContactCounters)),
        today: new Resetting('day', this.options.timeZone),
        interval: new Resetting(this.options.interval ?? '15m', this.options.timeZone),
      };
      this.#queues.set(queueId, b);
    }
    return b;
  }

  apply(e: WallboardEvent): void {
    if (e.tenantId !== this.options.tenantId) {
      throw new SwbError('SWB_REPORTS_INPUT', { reason: 'event of another tenant on this wallboard' });
    }
    const b = this.#board(e.queueId);
    const fn = (c: ContactCounters) => this.#count(c, e);
    for (const w of b.rolling) w.add(e.at, fn);
    const today = b.today.at(e.at);
    if (today) fn(today);
    const iv = b.interval.at(e.at);
    if (iv) fn(iv);
  }

  #count(c: ContactCounters, e: WallboardEvent): void {
    const o = this.options;
    switch (e.type) {
      case 'offered':
        c.offered++;
        return;
      case 'answered':
        c.answered++;
        c.answerWaitSum += e.waitSeconds;
        if (e.waitSeconds > c.maxAnswerWait) c.maxAnswerWait = e.waitSeconds;
        if (e.waitSeconds <= o.slThresholdSeconds) c.answeredWithinSl++;
        return;
      case 'abandoned':
        c.abandoned++;
        c.abandonWaitSum += e.waitSeconds;
        if (e.waitSeconds < o.shortAbandonSeconds) c.shortAbandoned++;
        if (e.waitSeconds <= o.slThresholdSeconds) c.abandonedWithinSl++;
        return;
      case 'handled':
        c.handled++;
        c.talkSum += e.talkSeconds;
        c.holdSum += e.holdSeconds;
        c.acwSum += e.acwSeconds;
        if (e.transferred) c.transferred++;
        return;
    }
  }

  snapshot(queueId: string, now: number): QueueSnapshot {
    const b = this.#board(queueId);
    const v = this.options.serviceLevelVariant ?? 'offered-excluding-short-abandons';
    const today = b.today.at(now) ?? emptyContactCounters();
    const iv = b.interval.at(now) ?? emptyContactCounters();
    return {
      queueId,
      rolling: b.rolling.map((w, i) => {
        const total = { ...w.total(now), maxAnswerWait: w.max(now, (c) => c.maxAnswerWait) };
        return { minutes: this.#minutes[i]!, metrics: contactMetrics(total, v) };
      }),
      today: contactMetrics(today, v),
      todayStart: b.today.start,
      interval: contactMetrics(iv, v),
      intervalStart: b.interval.start,
    };
  }

  queues(): string[] {
    return [...this.#queues.keys()];
  }
}
