/**
 * Discrete-event simulation of one FCFS queue: Poisson arrivals (constant or per-slot rates),
 * handle times (exponential, log-normal or fixed), optional exponential patience (abandonment),
 * and agents following a staffing plan per slot (an agent leaving at a slot boundary finishes the
 * current call first). Seeded, bounded by maxEvents, and pure: no clock, no timers.
 */

import type { ContactRecord } from '../../reports/types.js';
import { createRng, exponential, lognormal, type Rng } from '../rng.js';
import { inputError, requireFinite } from '../validate.js';
import { EventHeap } from './heap.js';

export type Distribution =
  | { readonly kind: 'exponential'; readonly mean: number }
  | { readonly kind: 'lognormal'; readonly mean: number; readonly cv: number }
  | { readonly kind: 'fixed'; readonly value: number };

export interface SimulationInput {
  readonly seed: number;
  readonly durationSeconds: number;
  /** Arrivals before this instant are not counted (the queue warms up from empty). */
  readonly warmupSeconds?: number;
  /** Arrival rate per second, constant or per slot. */
  readonly arrivalRate: number | { readonly slotSeconds: number; readonly rates: readonly number[] };
  readonly handleTime: Distribution;
  /** Absent = infinite patience. */
  readonly patience?: Distribution;
  /** Agents on the phones: constant or per slot. */
  readonly agents: number | { readonly slotSeconds: number; readonly counts: readonly number[] };
  readonly serviceLevelSeconds: number;
  /** Hard bound on processed events (default 5 million). */
  readonly maxEvents?: number;
  /**
   * Emit a ContactRecord for every finished contact after warm-up (answered: talk = handle time;
   * abandoned), with instants at `startMs + simulated seconds`; bounded by `max` (default 1,000,000).
   * Callers still waiting when the run ends have no record.
   */
  readonly records?: {
    readonly tenantId: string;
    readonly queueId: string;
    readonly startMs: number;
    readonly max?: number;
  };
}

export interface SimulationResult {
  readonly offered: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly answeredWithin: number;
  /** answered within T / offered (abandons count as misses). */
  readonly serviceLevel: number | null;
  /** answered within T / answered. */
  readonly serviceLevelOfAnswered: number | null;
  readonly probWait: number | null;
  readonly asaSeconds: number | null;
  readonly abandonRate: number | null;
  /** Busy agent-seconds / present agent-seconds after warm-up. */
  readonly occupancy: number | null;
  readonly events: number;
  /** True when maxEvents stopped the run early. */
  readonly truncated: boolean;
  readonly records?: ContactRecord[];
}

type Ev =
  | { at: number; seq: number; type: 'arrival' }
  | { at: number; seq: number; type: 'done' }
  | { at: number; seq: number; type: 'abandon'; caller: Caller }
  | { at: number; seq: number; type: 'staff'; slot: number };

type EvInput = Ev extends infer E ? (E extends unknown ? Omit<E, 'seq'> : never) : never;

interface Caller {
  id: number;
  arrivedAt: number;
  state: 'waiting' | 'served' | 'gone';
  counted: boolean;
}

function sample(rng: Rng, d: Distribution): number {
  switch (d.kind) {
    case 'exponential':
      return exponential(rng, d.mean);
    case 'lognormal':
      return lognormal(rng, d.mean, d.cv);
    case 'fixed':
      return d.value;
  }
}

function checkDist(name: string, d: Distribution): void {
  const v = d.kind === 'fixed' ? d.value : d.mean;
  requireFinite(name, v, Number.MIN_VALUE);
  if (d.kind === 'lognormal') requireFinite(`${name}.cv`, d.cv, 0);
}

export function simulateQueue(input: SimulationInput): SimulationResult {
  const dur = requireFinite('durationSeconds', input.durationSeconds, Number.MIN_VALUE);
  const warm = requireFinite('warmupSeconds', input.warmupSeconds ?? 0, 0, dur);
  checkDist('handleTime', input.handleTime);
  if (input.patience) checkDist('patience', input.patience);
  const rateAt =
    typeof input.arrivalRate === 'number'
      ? (() => {
          const r = requireFinite('arrivalRate', input.arrivalRate, 0);
          return () => r;
        })()
      : (() => {
          const { slotSeconds, rates } = input.arrivalRate;
          requireFinite('slotSeconds', slotSeconds, Number.MIN_VALUE);
          if (rates.length === 0 || rates.some((r) => !(Number.isFinite(r) && r >= 0)))
            throw inputError('rates must be ≥ 0');
          return (t: number) => rates[Math.min(rates.length - 1, Math.floor(t / slotSeconds))]!;
        })();
  const maxRate =
    typeof input.arrivalRate === 'number' ? input.arrivalRate : Math.max(...input.arrivalRate.rates);
  const rng = createRng(input.seed);
  const heap = new EventHeap<Ev>();
  let seq = 0;
  const push = (e: EvInput) => heap.push({ ...e, seq: seq++ } as Ev);

  let present = typeof input.agents === 'number' ? input.agents : (input.agents.counts[0] ?? 0);
  if (!(Number.isInteger(present) && present >= 0)) throw inputError('agents must be integers ≥ 0');
  if (typeof input.agents !== 'number') {
    const { slotSeconds, counts } = input.agents;
    requireFinite('agents.slotSeconds', slotSeconds, Number.MIN_VALUE);
    if (counts.some((c) => !(Number.isInteger(c) && c >= 0)))
      throw inputError('agent counts must be integers ≥ 0');
    for (let s = 1; s < counts.length && s * slotSeconds < dur; s++)
      push({ at: s * slotSeconds, type: 'staff', slot: s });
  }
  let busy = 0;
  let leaving = 0; // busy agents who leave when their call ends
  const queue: Caller[] = [];
  let qHead = 0;

  // thinning (Lewis–Shedler) for time-varying rates
  const nextArrival = (t: number) => {
    if (maxRate <= 0) return;
    let at = t;
    for (let guard = 0; guard < 1_000_000; guard++) {
      at += exponential(rng, 1 / maxRate);
      if (at >= dur) return;
      if (rng.next() * maxRate <= rateAt(at)) {
        push({ at, type: 'arrival' });
        return;
      }
    }
  };

  let offered = 0;
  let answered = 0;
  let abandoned = 0;
  let within = 0;
  let waited = 0;
  let waitSum = 0;
  let busyArea = 0;
  let presentArea = 0;
  let lastT = 0;
  let events = 0;
  const maxEvents = input.maxEvents ?? 5_000_000;

  const rec = input.records;
  const records: ContactRecord[] | undefined = rec ? [] : undefined;
  const maxRecords = rec?.max ?? 1_000_000;
  const ms = (t: number) => (rec?.startMs ?? 0) + t * 1000;
  const emit = (c: Caller, end: number, answeredAt?: number, handle = 0) => {
    if (!records || !rec || !c.counted || records.length >= maxRecords) return;
    records.push({
      tenantId: rec.tenantId,
      contactId: `sim-${c.id}`,
      direction: 'inbound',
      queueId: rec.queueId,
      offeredAt: ms(c.arrivedAt),
      answeredAt: answeredAt === undefined ? undefined : ms(answeredAt),
      abandonedAt: answeredAt === undefined ? ms(end) : undefined,
      endedAt: ms(end),
      talkSeconds: handle,
      holdSeconds: 0,
      acwSeconds: 0,
    });
  };
  let callerSeq = 0;

  const startService = (now: number, c: Caller) => {
    c.state = 'served';
    busy++;
    const handle = sample(rng, input.handleTime);
    push({ at: now + handle, type: 'done' });
    emit(c, now + handle, now, handle);
    if (c.counted) {
      answered++;
      const w = now - c.arrivedAt;
      waitSum += w;
      if (w <= input.serviceLevelSeconds) within++;
    }
  };
  const serveWaiting = (now: number) => {
    while (busy < present && qHead < queue.length) {
      const c = queue[qHead++]!;
      if (c.state === 'waiting') startService(now, c);
    }
    if (qHead > 4096 && qHead * 2 > queue.length) {
      queue.splice(0, qHead);
      qHead = 0;
    }
  };

  nextArrival(0);
  let truncated = false;
  for (let e = heap.pop(); e; e = heap.pop()) {
    if (++events > maxEvents) {
      truncated = true;
      break;
    }
    const now = e.at;
    if (now > warm) {
      const from = Math.max(lastT, warm);
      busyArea += busy * (now - from);
      presentArea += Math.max(present, busy) * (now - from);
    }
    lastT = now;
    switch (e.type) {
      case 'arrival': {
        const c: Caller = { id: callerSeq++, arrivedAt: now, state: 'waiting', counted: now >= warm };
        if (c.counted) offered++;
        if (busy < present) startService(now, c);
        else {
          if (c.counted) waited++;
          queue.push(c);
          if (input.patience) push({ at: now + sample(rng, input.patience), type: 'abandon', caller: c });
        }
        nextArrival(now);
        break;
      }
      case 'done':
        busy--;
        if (leaving > 0) leaving--;
        serveWaiting(now);
        break;
      case 'abandon':
        if (e.caller.state === 'waiting') {
          e.caller.state = 'gone';
          if (e.caller.counted) abandoned++;
          emit(e.caller, now);
        }
        break;
      case 'staff': {
        const counts = (input.agents as { counts: readonly number[] }).counts;
        present = counts[e.slot]!;
        leaving = Math.max(0, busy - present);
        serveWaiting(now);
        break;
      }
    }
  }
  if (!truncated && dur > Math.max(lastT, warm)) {
    presentArea += present * (dur - Math.max(lastT, warm));
  }
  if (offered > 0 && waited > offered) waited = offered;
  const r = (a: number, b: number) => (b > 0 ? a / b : null);
  return {
    offered,
    answered,
    abandoned,
    answeredWithin: within,
    serviceLevel: r(within, offered),
    serviceLevelOfAnswered: r(within, answered),
    probWait: r(waited, offered),
    asaSeconds: r(waitSum, answered),
    abandonRate: r(abandoned, offered),
    occupancy: r(busyArea, presentArea),
    events,
    truncated,
    records,
  };
}
