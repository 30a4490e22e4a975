/**
 * Scheduling input and output. Time is in minutes from the start of the planning horizon (a local
 * midnight in the tenant's time zone, usually a Monday); day d spans [1440·d, 1440·(d+1)). The
 * requirement is per slot of `slotMinutes` (15 by default), e.g. from requiredAgentsBatch().
 */
export interface BreakRule {
  readonly kind: 'break' | 'meal';
  readonly minutes: number;
  /** Earliest and latest break start, in minutes after the shift start (the break's window). */
  readonly earliestAfterStart: number;
  readonly latestAfterStart: number;
  /** Paid breaks count towards worked time (typical for short breaks); meals usually unpaid. */
  readonly paid: boolean;
}

export interface ShiftTemplate {
  readonly id: string;
  /** Length from start to end including breaks and meals. */
  readonly lengthMinutes: number;
  /** Allowed start times, minutes after local midnight: earliest..latest every step. */
  readonly earliestStart: number;
  readonly latestStart: number;
  readonly startStep: number;
  readonly breaks: readonly BreakRule[];
}

export interface AvailabilityWindow {
  readonly day: number;
  /**
   * Minutes after that day's local midnight; the whole shift must fit inside [from, to]
   * (`to` may exceed 1440 for a night shift ending the next morning).
   */
  readonly from: number;
  readonly to: number;
}

export interface AgentSpec {
  readonly agentId: string;
  readonly skills: readonly string[];
  /** Contracted paid minutes per week: the scheduler tries to give at least this. */
  readonly contractMinutesPerWeek: number;
  /** Individual cap (defaults to the labour rule). */
  readonly maxMinutesPerWeek?: number;
  /** If given, the agent can only work inside these windows; absent = always available. */
  readonly availability?: readonly AvailabilityWindow[];
  /** Preferred shift start (minutes after midnight); a small bonus pulls shifts towards it. */
  readonly preferredStart?: number;
  /** Templates this agent may work (default: all). */
  readonly templates?: readonly string[];
}

export interface LabourRules {
  readonly maxMinutesPerDay: number;
  readonly maxMinutesPerWeek: number;
  /** Minimum rest between the end of one shift and the start of the next. */
  readonly minRestMinutes: number;
  readonly maxConsecutiveDays: number;
}

export interface ScheduleProblem {
  readonly tenantId: string;
  readonly slotMinutes: number;
  readonly days: number;
  /** Agents needed on the phones per slot, length = days × 1440 / slotMinutes. */
  readonly required: readonly number[];
  readonly agents: readonly AgentSpec[];
  readonly templates: readonly ShiftTemplate[];
  readonly rules: LabourRules;
  /** Only agents with this skill are scheduled (one skill group per run). */
  readonly skill?: string;
  /** For the predicted service level: forecast calls and AHT per slot. */
  readonly workload?: {
    readonly calls: readonly number[];
    readonly ahtSeconds: readonly number[];
    readonly serviceLevelSeconds: number;
    /** Mean caller patience: when given, the prediction uses Erlang A (with abandonment). */
    readonly patienceSeconds?: number;
  };
}

export interface PlacedBreak {
  readonly kind: 'break' | 'meal';
  readonly start: number;
  readonly end: number;
  readonly paid: boolean;
}

export interface ScheduledShift {
  readonly agentId: string;
  /** Skill group the shift is dedicated to (multi-skill schedules). */
  readonly skill?: string;
  readonly day: number;
  readonly templateId: string;
  readonly start: number;
  readonly end: number;
  readonly paidMinutes: number;
  readonly breaks: PlacedBreak[];
}

export interface SlotReport {
  readonly required: number;
  /** Agents on the phones (shift minus breaks). */
  readonly scheduled: number;
  readonly shortfall: number;
  readonly surplus: number;
  /** Predicted service level with `scheduled` agents (Erlang C, or Erlang A with patience). */
  readonly serviceLevel: number | null;
  /** Predicted abandonment (Erlang A only, else null). */
  readonly abandonRate: number | null;
}

export interface ScheduleResult {
  readonly shifts: ScheduledShift[];
  readonly slots: SlotReport[];
  readonly totalShortfallSlots: number;
  /** Calls-weighted predicted service level over the horizon (null without workload or calls). */
  readonly predictedServiceLevel: number | null;
  /** Paid minutes per agent. */
  readonly minutesByAgent: Record<string, number>;
  readonly warnings: string[];
  readonly solver: 'greedy' | 'highs';
}
