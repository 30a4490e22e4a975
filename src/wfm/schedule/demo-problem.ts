/**
 * A realistic scheduling problem for tests, benchmarks and demos: a week of 15-minute requirement
 * derived from the synthetic history (Erlang C 80/20 per slot) and a roster of full- and part-time
 * agents with availability and preferences. Deterministic per seed.
 */
import { requiredAgentsBatch } from '../erlang/staffing.js';
import { regressionForecast } from '../forecast/regression.js';
import { syntheticHistory } from '../forecast/synthetic.js';
import { createRng } from '../rng.js';
import type { AgentSpec, ScheduleProblem, ShiftTemplate } from './types.js';

export const FULL_TIME: ShiftTemplate = {
  id: 'ft8',
  lengthMinutes: 510,
  earliestStart: 6 * 60,
  latestStart: 14 * 60,
  startStep: 30,
  breaks: [
    { kind: 'break', minutes: 15, earliestAfterStart: 90, latestAfterStart: 150, paid: true },
    { kind: 'meal', minutes: 30, earliestAfterStart: 210, latestAfterStart: 300, paid: false },
    { kind: 'break', minutes: 15, earliestAfterStart: 360, latestAfterStart: 420, paid: true },
  ],
};

export const NIGHT: ShiftTemplate = {
  ...FULL_TIME,
  id: 'nt8',
  earliestStart: 21 * 60,
  latestStart: 22 * 60 + 30,
};

export const PART_TIME: ShiftTemplate = {
  id: 'pt4',
  lengthMinutes: 240,
  earliestStart: 8 * 60,
  latestStart: 18 * 60,
  startStep: 30,
  breaks: [{ kind: 'break', minutes: 15, earliestAfterStart: 90, latestAfterStart: 150, paid: true }],
};

export interface DemoOptions {
  readonly seed?: number;
  readonly agents: number;
  /** Calls per day of the queue (scales the requirement). */
  readonly dailyVolume: number;
  readonly shrinkage?: number;
}

export function demoProblem(o: DemoOptions): ScheduleProblem {
  const seed = o.seed ?? 1;
  const synth = syntheticHistory({ seed, days: 56, dailyVolume: o.dailyVolume, outlierDay: -1 });
  const fc = regressionForecast(synth.history, 7);
  const rows = requiredAgentsBatch(
    fc.calls.map((calls, i) => ({ calls, ahtSeconds: fc.ahtSeconds[i]! })),
    900,
    { serviceLevel: 0.8, targetSeconds: 20 },
  );
  const rng = createRng(seed + 17);
  const agents: AgentSpec[] = [];
  for (let i = 0; i < o.agents; i++) {
    const partTime = i % 4 === 3;
    const night = i % 40 === 5; // a few full-time night workers cover the 24-hour line
    const noWeekends = i % 5 === 1;
    const availability = noWeekends ? [0, 1, 2, 3, 4].map((day) => ({ day, from: 0, to: 1440 })) : undefined;
    agents.push({
      agentId: `a${String(i).padStart(4, '0')}`,
      skills: ['voice'],
      contractMinutesPerWeek: partTime ? 4 * 240 - 4 * 0 : 5 * 480,
      maxMinutesPerWeek: partTime ? 5 * 240 : 5 * 480,
      availability,
      preferredStart: 7 * 60 + Math.floor(rng.next() * 8) * 60,
      templates: partTime ? ['pt4'] : night ? ['nt8'] : ['ft8'],
    });
  }
  return {
    tenantId: 't1',
    slotMinutes: 15,
    days: 7,
    required: rows.map((r) => r.agents),
    agents,
    templates: [FULL_TIME, NIGHT, PART_TIME],
    rules: { maxMinutesPerDay: 600, maxMinutesPerWeek: 2400, minRestMinutes: 11 * 60, maxConsecutiveDays: 5 },
    skill: 'voice',
    workload: { calls: fc.calls, ahtSeconds: fc.ahtSeconds, serviceLevelSeconds: 20 },
  };
}
