/**
 * Erlang B and Erlang C (M/M/n) without factorials.
 *
 * Erlang B uses the stable recurrence B(0) = 1, B(k) = A·B(k-1) / (k + A·B(k-1)), which never
 * overflows (it underflows gracefully to 0 for n ≫ A). Erlang C follows from B:
 *   C(n, A) = n·B / (n − A·(1 − B))          for n > A, else 1 (unstable queue).
 * Service level (answered within t of offered, infinite patience):
 *   SL(t) = 1 − C · exp(−(n − A)·t / AHT)
 * Average speed of answer: ASA = C · AHT / (n − A). Occupancy = A / n.
 */
import { requireFinite, requireInt } from '../validate.js';

/** Erlang B blocking probability for n servers and offered load a (Erlangs). */
export function erlangB(n: number, a: number): number {
  requireInt('agents', n);
  requireFinite('traffic', a, 0);
  if (a === 0) return n === 0 ? 1 : 0;
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return b;
}

/**
 * ln(1/B(n, a)) via r(k) = 1 + (k/a)·r(k-1) carried in log space, for callers (Erlang A) that need
 * the normalising mass of states 0..n relative to state n even when B underflows.
 */
export function logInvErlangB(n: number, a: number): number {
  let l = 0; // ln r(0) = ln 1
  for (let k = 1; k <= n; k++) {
    // r = 1 + (k/a)·e^l  →  ln r = l + ln(k/a) + ln1p((a/k)·e^-l)
    l = l + Math.log(k / a) + Math.log1p((a / k) * Math.exp(-l));
  }
  return l;
}

/** Erlang C probability of waiting; 1 when the queue is unstable (n ≤ a). */
export function erlangC(n: number, a: number): number {
  requireInt('agents', n);
  requireFinite('traffic', a, 0);
  if (a === 0) return 0;
  if (n <= a) return 1;
  const b = erlangB(n, a);
  return erlangCFromB(n, a, b);
}

export function erlangCFromB(n: number, a: number, b: number): number {
  if (a === 0) return 0;
  if (n <= a) return 1;
  const c = (n * b) / (n - a * (1 - b));
  return Math.min(1, Math.max(0, c));
}

export interface ErlangCInput {
  /** Calls offered in the interval. */
  readonly calls: number;
  readonly intervalSeconds: number;
  /** Average handle time (talk + hold + after-call work), seconds. */
  readonly ahtSeconds: number;
  readonly agents: number;
  /** Service-level threshold T (answered within T seconds). */
  readonly targetSeconds: number;
}

export interface ErlangCResult {
  readonly trafficErlangs: number;
  readonly agents: number;
  /** False when agents ≤ traffic: the queue grows without bound; SL = 0, ASA = Infinity is reported as null. */
  readonly stable: boolean;
  readonly probWait: number;
  /** Fraction of offered calls answered within targetSeconds. */
  readonly serviceLevel: number;
  /** Mean wait of all calls in seconds; null when unstable (unbounded). */
  readonly asaSeconds: number | null;
  /** Fraction of agent time busy: min(1, A/n). */
  readonly occupancy: number;
}

export function trafficErlangs(calls: number, intervalSeconds: number, ahtSeconds: number): number {
  requireFinite('calls', calls, 0);
  requireFinite('intervalSeconds', intervalSeconds, Number.MIN_VALUE);
  requireFinite('ahtSeconds', ahtSeconds, 0);
  return (calls * ahtSeconds) / intervalSeconds;
}

/** Metrics for a given B already known (lets staffing searches reuse the recurrence). */
export function erlangCMetricsFromB(
  n: number,
  a: number,
  b: number,
  ahtSeconds: number,
  targetSeconds: number,
): ErlangCResult {
  if (a === 0) {
    return {
      trafficErlangs: 0,
      agents: n,
      stable: true,
      probWait: 0,
      serviceLevel: 1,
      asaSeconds: 0,
      occupancy: 0,
    };
  }
  if (n <= a) {
    return {
      trafficErlangs: a,
      agents: n,
      stable: false,
      probWait: 1,
      serviceLevel: 0,
      asaSeconds: null,
      occupancy: 1,
    };
  }
  const c = erlangCFromB(n, a, b);
  const sl = 1 - c * Math.exp((-(n - a) * targetSeconds) / ahtSeconds);
  return {
    trafficErlangs: a,
    agents: n,
    stable: true,
    probWait: c,
    serviceLevel: Math.min(1, Math.max(0, sl)),
    asaSeconds: (c * ahtSeconds) / (n - a),
    occupancy: a / n,
  };
}

export function erlangCMetrics(input: ErlangCInput): ErlangCResult {
  requireInt('agents', input.agents);
  requireFinite('targetSeconds', input.targetSeconds, 0);
  const a = trafficErlangs(input.calls, input.intervalSeconds, input.ahtSeconds);
  const b = a > 0 && input.agents > a ? erlangB(input.agents, a) : 1;
  return erlangCMetricsFromB(input.agents, a, b, input.ahtSeconds, input.targetSeconds);
}
