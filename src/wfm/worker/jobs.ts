/**
 * Batch jobs run by the worker. Each job is plain data in, plain data out; between chunks it awaits
 * `ctx.checkpoint()`, which reports progress, yields to the worker's event loop (so a 'cancel'
 * message is seen) and throws SWB_WFM_JOB_CANCELLED once cancelled.
 */

import { agentTimeReport, contactReport, type ReportOptions } from '../../reports/metrics/aggregate.js';
import type { AgentStatusInterval, ContactRecord } from '../../reports/types.js';
import { type BatchTarget, type IntervalStaffing, requiredAgentsBatch } from '../erlang/staffing.js';
import { forecastQueue } from '../forecast/backtest.js';
import type { CalendarEvents, SeriesHistory } from '../forecast/types.js';
import { buildMultiSkillSchedule, type MultiSkillProblem } from '../schedule/multi-skill.js';
import { buildSchedule, type ScheduleOptions } from '../schedule/schedule.js';
import type { ScheduleProblem } from '../schedule/types.js';
import { type SimulationInput, simulateQueue } from '../sim/queue-sim.js';
import { inputError } from '../validate.js';
import type { JobKind } from './protocol.js';

export interface JobContext {
  checkpoint(done: number, total: number, phase: string): Promise<void>;
}

export interface ErlangBatchInput {
  readonly intervals: readonly IntervalStaffing[];
  readonly intervalSeconds: number;
  readonly target: BatchTarget;
}

export interface ForecastBatchInput {
  readonly queues: readonly {
    readonly queueId: string;
    readonly history: SeriesHistory;
    readonly events?: CalendarEvents;
  }[];
  readonly horizonDays: number;
  readonly folds?: number;
}

export interface ScheduleJobInput {
  readonly problem: ScheduleProblem;
  readonly options?: ScheduleOptions;
}

const CHUNK = 1000;

async function erlangBatch(input: ErlangBatchInput, ctx: JobContext) {
  const out = [];
  const n = input.intervals.length;
  for (let i = 0; i < n; i += CHUNK) {
    await ctx.checkpoint(i, n, 'erlang');
    out.push(
      ...requiredAgentsBatch(input.intervals.slice(i, i + CHUNK), input.intervalSeconds, input.target),
    );
  }
  await ctx.checkpoint(n, n, 'erlang');
  return out;
}

async function forecastBatch(input: ForecastBatchInput, ctx: JobContext) {
  const out = [];
  const n = input.queues.length;
  for (let i = 0; i < n; i++) {
    await ctx.checkpoint(i, n, 'forecast');
    const q = input.queues[i]!;
    const f = forecastQueue(q.history, input.horizonDays, q.events ?? {}, { folds: input.folds ?? 4 });
    out.push({ queueId: q.queueId, ...f });
  }
  await ctx.checkpoint(n, n, 'forecast');
  return out;
}

export async function runJob(kind: JobKind, input: unknown, ctx: JobContext): Promise<unknown> {
  switch (kind) {
    case 'erlang-batch':
      return erlangBatch(input as ErlangBatchInput, ctx);
    case 'forecast':
      return forecastBatch(input as ForecastBatchInput, ctx);
    case 'schedule': {
      const { problem, options } = input as ScheduleJobInput;
      return buildSchedule(problem, {
        ...options,
        checkpoint: (done, total, phase) => ctx.checkpoint(done, total, phase),
      });
    }
    case 'schedule-multi-skill': {
      await ctx.checkpoint(0, 1, 'schedule');
      const r = buildMultiSkillSchedule(input as MultiSkillProblem);
      await ctx.checkpoint(1, 1, 'schedule');
      return r;
    }
    case 'contact-report': {
      const { records, options } = input as { records: ContactRecord[]; options: ReportOptions };
      await ctx.checkpoint(0, 1, 'report');
      return contactReport(records, options);
    }
    case 'agent-time-report': {
      const { intervals, options } = input as { intervals: AgentStatusInterval[]; options: ReportOptions };
      await ctx.checkpoint(0, 1, 'report');
      return agentTimeReport(intervals, options);
    }
    case 'simulate':
      await ctx.checkpoint(0, 1, 'simulate');
      return simulateQueue(input as SimulationInput);
    default:
      throw inputError(`unknown job kind ${String(kind)}`);
  }
}
