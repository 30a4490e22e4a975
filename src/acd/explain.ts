import type { AgentRecord } from '../agents/agent.js';
import type { AcdState, CallEntry, ChosenWhy, Explanation, NotChosenWhy, QueueRuntime } from './acd-types.js';
import { maxTierAt, minLevelAt } from './queue-config.js';
import { METRIC_NAMES, strategyMetric } from './strategies.js';

/**
 * Builds the record of why an offer went where it did: for each chosen agent the rule and the
 * number it won on, and for every other member of the queue the first reason they were not
 * chosen. It costs one pass over the queue's members (not over all agents).
 */
export function explainOffer(
  s: AcdState,
  q: QueueRuntime,
  call: CallEntry,
  chosen: AgentRecord[],
  why: ChosenWhy,
  at: number,
): Explanation {
  const cfg = q.config;
  const waited = at - call.enteredAt;
  const minLevel = minLevelAt(cfg, waited);
  const maxTierRaw = maxTierAt(cfg, waited);
  const maxTier = Number.isFinite(maxTierRaw) ? maxTierRaw : null;
  const qid = cfg.queueId;
  const chosenIds = new Set(chosen.map((a) => a.agentId));
  const others: Explanation['others'] = [];
  const metricName = METRIC_NAMES[cfg.strategy];
  for (const id of q.members) {
    if (chosenIds.has(id)) continue;
    const a = s.agents.get(id);
    if (!a) continue;
    const m = a.memberships.get(qid)!;
    let r: NotChosenWhy;
    let detail: string;
    if (!a.signedIn.has(qid)) {
      r = 'not-signed-in';
      detail = a.status;
    } else if (a.status !== 'ready') {
      r = 'not-ready';
      detail = a.reason ?? a.status;
    } else if (a.state !== 'idle') {
      r = 'busy';
      detail = a.callId ? `${a.state} ${a.callId}` : a.state;
    } else if (m.level < minLevel) {
      r = 'level';
      detail = `level ${m.level} < ${minLevel}`;
    } else if (maxTier !== null && m.tier > maxTier) {
      r = 'tier';
      detail = `tier ${m.tier} rings after ${(m.tier - 1) * cfg.tierDelayMs} ms`;
    } else if (why === 'last-agent') {
      r = 'last-agent';
      detail = `caller's last agent ${chosen[0]?.agentId ?? ''} preferred`;
    } else if (call.missedBy.has(id)) {
      r = 'missed-this-call';
      detail = 'let this call ring out before';
    } else {
      r = 'outranked';
      const mine = strategyMetric(cfg.strategy, qid, a, at);
      detail =
        chosen.length > 0 && m.tier > (chosen[0]!.memberships.get(qid)?.tier ?? 1)
          ? `lower tier ${m.tier}`
          : mine === null
            ? `${cfg.strategy} draw`
            : `${metricName} ${mine}`;
    }
    others.push({ agentId: id, why: r, detail });
  }
  return {
    callId: call.callId,
    queueId: qid,
    at,
    strategy: cfg.strategy,
    waitedMs: waited,
    priority: call.priority,
    minLevel,
    maxTier,
    chosen: chosen.map((a) => {
      const m = a.memberships.get(qid)!;
      return {
        agentId: a.agentId,
        why,
        tier: m.tier,
        level: m.level,
        metric: strategyMetric(cfg.strategy, qid, a, at),
      };
    }),
    others,
  };
}
