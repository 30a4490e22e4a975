/**
 * Live wallboard gauges for one tenant: callers waiting per queue with the longest current wait,
 * and agents per activity. State, not counters: every update is O(1) (Map insertion order keeps
 * the oldest waiting caller first), reads take `now` for the longest-wait figure.
 */
import { SwbError } from '../../kernel/errors.js';
import type { AgentActivity } from '../types.js';

export interface QueueGauge {
  readonly queueId: string;
  readonly waiting: number;
  /** Seconds the oldest waiting caller has waited at `now` (0 when nobody waits). */
  readonly longestWaitSeconds: number;
}

export class LiveGauges {
  readonly #waiting = new Map<string, Map<string, number>>(); // queue → contact → enteredAt
  readonly #agents = new Map<string, AgentActivity>();
  readonly #byActivity = new Map<AgentActivity, number>();

  constructor(readonly tenantId: string) {}

  #check(tenantId: string): void {
    if (tenantId !== this.tenantId)
      throw new SwbError('SWB_REPORTS_INPUT', { reason: 'event of another tenant' });
  }

  callerQueued(tenantId: string, queueId: string, contactId: string, at: number): void {
    this.#check(tenantId);
    let q = this.#waiting.get(queueId);
    if (!q) this.#waiting.set(queueId, (q = new Map()));
    if (!q.has(contactId)) q.set(contactId, at);
  }

  /** Answered, abandoned or moved on: the caller no longer waits in this queue. */
  callerLeft(tenantId: string, queueId: string, contactId: string): void {
    this.#check(tenantId);
    this.#waiting.get(queueId)?.delete(contactId);
  }

  agentActivity(tenantId: string, agentId: string, activity: AgentActivity): void {
    this.#check(tenantId);
    const prev = this.#agents.get(agentId);
    if (prev === activity) return;
    if (prev) this.#byActivity.set(prev, (this.#byActivity.get(prev) ?? 1) - 1);
    if (activity === 'logged_out') this.#agents.delete(agentId);
    else {
      this.#agents.set(agentId, activity);
      this.#byActivity.set(activity, (this.#byActivity.get(activity) ?? 0) + 1);
    }
  }

  queue(queueId: string, now: number): QueueGauge {
    const q = this.#waiting.get(queueId);
    if (!q || q.size === 0) return { queueId, waiting: 0, longestWaitSeconds: 0 };
    const oldest = q.values().next().value as number;
    return { queueId, waiting: q.size, longestWaitSeconds: Math.max(0, (now - oldest) / 1000) };
  }

  /** Signed-in agents per activity (logged-out agents are not listed). */
  agents(): Partial<Record<AgentActivity, number>> {
    const out: Partial<Record<AgentActivity, number>> = {};
    for (const [k, v] of this.#byActivity) if (v > 0) out[k] = v;
    return out;
  }
}
