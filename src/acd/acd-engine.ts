import type { Clock, TimerHandle } from '../kernel/clock.js';
import type { EventBus } from '../kernel/domain-events.js';
import { createAcdState } from './acd-state.js';
import type { AcdDecision, AcdEvent, AcdState, Explanation } from './acd-types.js';
import { decide } from './decide.js';
import { type Rng, seededRng } from './rng.js';

/** A decision for the call layer (offers, cancels, connects, overflows; events go to the bus). */
export type AcdCommand = Exclude<AcdDecision, { kind: 'emit' }>;

/** The union of events, each without `at` (distributive on purpose). */
type WithoutAt<E> = E extends unknown ? Omit<E, 'at'> : never;
export type AcdInput = WithoutAt<AcdEvent>;

export interface AcdEngineDeps {
  tenantId: string;
  clock: Clock;
  bus?: EventBus;
  rng?: Rng;
  /** Receives every command in order (the call layer, later). */
  onCommand?: (c: AcdCommand) => void;
  /** Explanations kept for `explain()` (most recent offers). */
  keepExplanations?: number;
}

export interface AcdEngine {
  readonly state: AcdState;
  /** Stamps the event with the clock, runs the core, publishes events, arms the next tick. */
  dispatch(ev: AcdInput): AcdCommand[];
  /** Explanations of the offers of one call, oldest first. */
  explain(callId: string): Explanation[];
  close(): void;
}

/**
 * The thin impure shell around decide(): it reads the injected clock, publishes the core's
 * domain events on the bus and keeps one clock timer armed for the core's next wake-up.
 */
export function createAcdEngine(deps: AcdEngineDeps): AcdEngine {
  const state = createAcdState(deps.tenantId, deps.rng ?? seededRng(1));
  const keep = deps.keepExplanations ?? 10_000;
  const explanations = new Map<string, Explanation[]>();
  let timer: TimerHandle | undefined;
  let armedAt: number | null = null;
  let closed = false;

  function arm(wakeAt: number | null): void {
    if (wakeAt === armedAt) return;
    deps.clock.clearTimer(timer);
    timer = undefined;
    armedAt = wakeAt;
    if (wakeAt === null || closed) return;
    timer = deps.clock.setTimer(Math.max(0, wakeAt - deps.clock.now()), () => {
      timer = undefined;
      armedAt = null;
      dispatch({ type: 'tick' });
    });
  }

  function dispatch(ev: AcdInput): AcdCommand[] {
    const r = decide(state, { ...ev, at: deps.clock.now() } as AcdEvent);
    const commands: AcdCommand[] = [];
    for (const d of r.decisions) {
      if (d.kind === 'emit') {
        deps.bus?.safeEmit(d.name, d.event as never);
        continue;
      }
      if (d.kind === 'offer') {
        const list = explanations.get(d.callId) ?? [];
        list.push(d.explain);
        explanations.delete(d.callId);
        explanations.set(d.callId, list);
        while (explanations.size > keep) explanations.delete(explanations.keys().next().value!);
      }
      commands.push(d);
      deps.onCommand?.(d);
    }
    arm(r.wakeAt);
    return commands;
  }

  return {
    state,
    dispatch,
    explain: (callId) => explanations.get(callId) ?? [],
    close() {
      closed = true;
      deps.clock.clearTimer(timer);
      timer = undefined;
    },
  };
}
