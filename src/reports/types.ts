/**
 * Input record shapes for reports and WFM. The call-center core (calls/, acd/, agents/) will
 * produce these; the engines here only read them. Times are epoch milliseconds (UTC instants);
 * durations are seconds. Every record carries tenantId and engines refuse mixed tenants.
 */

/** One contact (call, chat…) as seen by reporting, written when the contact is finished. */
export interface ContactRecord {
  readonly tenantId: string;
  readonly contactId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly channel?: 'voice' | 'chat' | 'email';
  /** Queue the contact was offered to; absent for contacts that never reached a queue. */
  readonly queueId?: string;
  /** Agent who handled it (last agent when transferred within the queue). */
  readonly agentId?: string;
  readonly teamId?: string;
  /** Dialled number (DID / hotline) the contact came in on. */
  readonly numberId?: string;
  /** IVR nodes visited, in order. */
  readonly ivrNodeIds?: readonly string[];
  /** Caller identity for repeat-contact detection (an opaque, possibly hashed key, never shown). */
  readonly customerKey?: string;
  /** When the contact entered the queue (the "offered" instant). */
  readonly offeredAt: number;
  /** When an agent answered; absent if never answered. */
  readonly answeredAt?: number;
  /** When the caller hung up while waiting; absent if answered or otherwise ended. */
  readonly abandonedAt?: number;
  /** End of the contact (hang-up or transfer-out); after-call work follows. */
  readonly endedAt: number;
  readonly talkSeconds: number;
  readonly holdSeconds: number;
  /** After-call work (wrap-up) seconds. */
  readonly acwSeconds: number;
  /** Transferred by the agent to another queue/agent/number. */
  readonly transferred?: boolean;
  /** Left the queue without answer or abandon (overflow, queue timeout to voicemail, error). */
  readonly overflowed?: boolean;
}

/** What an agent was doing between start and end (from the agent status/state machines). */
export type AgentActivity =
  | 'available' // signed in, ready, idle
  | 'talking'
  | 'hold'
  | 'acw'
  | 'ringing' // offered/reserved, not yet answered
  | 'not_ready' // signed in but not ready (reason in `reason`)
  | 'break'
  | 'meal'
  | 'training'
  | 'meeting'
  | 'logged_out';

export interface AgentStatusInterval {
  readonly tenantId: string;
  readonly agentId: string;
  readonly teamId?: string;
  readonly activity: AgentActivity;
  readonly reason?: string;
  readonly start: number;
  readonly end: number;
}

export interface SurveyResult {
  readonly tenantId: string;
  readonly contactId: string;
  readonly queueId?: string;
  readonly agentId?: string;
  readonly teamId?: string;
  readonly numberId?: string;
  readonly respondedAt: number;
  /** Score on the survey's scale. */
  readonly score: number;
  readonly scaleMax: number;
}

/** Planned schedule activity for adherence (produced by the scheduler). */
export type PlannedActivityKind = 'work' | 'break' | 'meal' | 'training' | 'meeting' | 'off';

export interface PlannedActivity {
  readonly tenantId: string;
  readonly agentId: string;
  readonly kind: PlannedActivityKind;
  readonly start: number;
  readonly end: number;
}

export type Granularity = '15m' | '30m' | '60m' | 'day' | 'week' | 'month';
export type Dimension = 'tenant' | 'queue' | 'agent' | 'team' | 'number' | 'ivrNode';
