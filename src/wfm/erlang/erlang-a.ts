/**
 * Erlang A (Palm, M/M/n+M): Poisson arrivals λ, exponential service μ = 1/AHT, n agents,
 * exponential patience θ = 1/meanPatience. Exact steady state of the birth–death chain
 * (Mandelbaum & Zeltyn, "The Palm/Erlang-A Queue, with Applications to Call Centers", 2005, §3):
 *   π_j ∝ (λ/μ)^j / j!  (j ≤ n),   π_{n+k} = π_n · q_k,  q_k = Π_{i=1..k} λ / (nμ + iθ).
 * Everything is carried in log space; the mass of states 0..n relative to π_n is 1/B(n, λ/μ).
 *
 * Waiting-time measures use the virtual wait V of an arrival that finds k callers queued: V is a
 * sum of exponentials with rates θ(x+i), i = 0..k, x = nμ/θ, so with u = e^{−θt}
 *   P(V > t | k) = I_u(x, k+1) = u^x Σ_{j=0..k} (x)_j/j! (1−u)^j      (negative-binomial sum)
 *   P(served | k) = x/(x+k+1),   P(served, V ≤ t | k) = x/(x+k+1) · (1 − I_u(x+1, k+1))
 *   E[V; served | k] = x/(x+k+1) · Σ_{i=1..k+1} 1/(θ(x+i)).
 * (Derivations: exponential tilting of the hypoexponential; checked against the simulator and
 * against the identity P{Ab} = θ·E[W] of Mandelbaum & Zeltyn §4.6 in the tests.)
 */
import { inputError, requireFinite, requireInt } from '../validate.js';
import { logInvErlangB } from './erlang-c.js';

export interface ErlangAInput {
  /** Arrivals per second. */
  readonly arrivalRate: number;
  readonly ahtSeconds: number;
  /** Mean patience (1/θ) in seconds; Infinity reduces to Erlang C (stable queues only). */
  readonly patienceSeconds: number;
  readonly agents: number;
  readonly targetSeconds: number;
}

export interface ErlangAResult {
  readonly agents: number;
  readonly trafficErlangs: number;
  /** P(an arrival must wait). */
  readonly probWait: number;
  /** P(an arrival abandons). */
  readonly probAbandon: number;
  /** P(answered within T) / offered — abandoned calls count as misses. */
  readonly serviceLevel: number;
  /** P(answered within T | answered) — abandoned calls excluded from the denominator. */
  readonly serviceLevelOfAnswered: number;
  /** P(waited ≤ T, answered or abandoned) — abandons within T count as met. */
  readonly serviceLevelWaitWithin: number;
  /** Mean wait of answered calls (seconds). */
  readonly asaSeconds: number;
  /** Mean wait of all arrivals (answered and abandoned), E[W] = E[Q]/λ. */
  readonly meanWaitSeconds: number;
  /** Mean number waiting. */
  readonly meanQueue: number;
  /** Busy fraction of agents: λ(1 − P{Ab})·AHT / n. */
  readonly occupancy: number;
  /** Non-empty when the tail had to be truncated before reaching negligible mass. */
  readonly warnings: readonly string[];
}

/**
 * Longest queue considered. Beyond it (only with near-infinite patience and overload, e.g. mean
 * patience of days) the chain is truncated like a finite waiting room and a warning says so.
 */
const MAX_TAIL = 500_000;

function logSumExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

export function erlangA(input: ErlangAInput): ErlangAResult {
  const lambda = requireFinite('arrivalRate', input.arrivalRate, 0);
  const aht = requireFinite('ahtSeconds', input.ahtSeconds, Number.MIN_VALUE);
  const patience = input.patienceSeconds;
  if (!(patience > 0)) requireFinite('patienceSeconds', patience, Number.MIN_VALUE);
  const n = requireInt('agents', input.agents, 0, 1_000_000);
  const t = requireFinite('targetSeconds', input.targetSeconds, 0);
  const mu = 1 / aht;
  const theta = Number.isFinite(patience) ? 1 / patience : 0;
  const a = lambda / mu;
  const warnings: string[] = [];
  if (lambda === 0) {
    return {
      agents: n,
      trafficErlangs: 0,
      probWait: 0,
      probAbandon: 0,
      serviceLevel: 1,
      serviceLevelOfAnswered: 1,
      serviceLevelWaitWithin: 1,
      asaSeconds: 0,
      meanWaitSeconds: 0,
      meanQueue: 0,
      occupancy: 0,
      warnings,
    };
  }
  if (theta === 0 && n * mu <= lambda) {
    throw inputError(
      'infinite patience with agents ≤ offered load never reaches steady state; use Erlang C',
      {
        agents: n,
        trafficErlangs: a,
      },
    );
  }
  const nm = n * mu;
  // Tail log-weights log q_k, k ≥ 0, until negligible past the mode.
  const logQ: number[] = [0];
  let logMax = 0;
  const kMode = theta > 0 ? Math.max(0, (lambda - nm) / theta) : 0;
  for (let k = 1; k < MAX_TAIL; k++) {
    const step = Math.log(lambda / (nm + k * theta));
    const lq = logQ[k - 1]! + step;
    logQ.push(lq);
    if (lq > logMax) logMax = lq;
    if (k > kMode && lq < logMax - 46) break;
    if (k === MAX_TAIL - 1) warnings.push(`queue-length tail truncated at ${MAX_TAIL} waiting callers`);
  }
  const logLower = logInvErlangB(n, a); // mass of states 0..n relative to π_n (includes π_n)
  let logTail = Number.NEGATIVE_INFINITY; // Σ_{k≥1} q_k
  for (let k = 1; k < logQ.length; k++) logTail = logSumExp(logTail, logQ[k]!);
  const logZ = logSumExp(logLower, logTail);
  // π_{n+k} for k ≥ 0
  const x = theta > 0 ? nm / theta : Number.POSITIVE_INFINITY;
  const lnU = -theta * t;
  const ln1mU = theta > 0 ? Math.log(-Math.expm1(-theta * t)) : Number.NEGATIVE_INFINITY;
  let pWait = 0;
  let eQ = 0;
  let pServedWithin = 0; // among waiters
  let pServedWaiters = 0;
  let pVgt = 0; // P(V > t), waiters
  let eWaitServed = 0;
  // Negative-binomial partial sums for shapes x and x+1, carried in log space.
  let logTermX = theta > 0 ? x * lnU : -nm * t;
  let logTermX1 = theta > 0 ? (x + 1) * lnU : -nm * t;
  let sumX = Math.exp(logTermX);
  let sumX1 = Math.exp(logTermX1);
  let harmonic = 0;
  for (let k = 0; k < logQ.length; k++) {
    if (k > 0) {
      if (theta > 0) {
        logTermX += Math.log((x + k - 1) / k) + ln1mU;
        logTermX1 += Math.log((x + k) / k) + ln1mU;
      } else {
        // θ → 0: (x)_j/j!(1-u)^j → (nμt)^j/j! (Poisson), same for x+1.
        logTermX += Math.log((nm * t) / k);
        logTermX1 = logTermX;
      }
      sumX += Math.exp(logTermX);
      sumX1 += Math.exp(logTermX1);
    }
    const p = Math.exp(logQ[k]! - logZ);
    if (p === 0 && k > kMode) break;
    const served = theta > 0 ? x / (x + k + 1) : 1;
    harmonic += theta > 0 ? 1 / (theta * (x + k + 1)) : 1 / nm;
    pWait += p;
    eQ += k * p;
    pServedWaiters += p * served;
    pServedWithin += p * served * (1 - Math.min(1, sumX1));
    pVgt += p * Math.min(1, sumX);
    eWaitServed += p * served * harmonic;
  }
  pWait = Math.min(1, pWait);
  const pNoWait = 1 - pWait;
  const pAb = Math.min(1, Math.max(0, 1 - pNoWait - pServedWaiters));
  const pServed = 1 - pAb;
  const sl = Math.min(1, Math.max(0, pNoWait + pServedWithin));
  return {
    agents: n,
    trafficErlangs: a,
    probWait: pWait,
    probAbandon: pAb,
    serviceLevel: sl,
    serviceLevelOfAnswered: pServed > 0 ? Math.min(1, sl / pServed) : 0,
    serviceLevelWaitWithin: Math.min(1, Math.max(0, 1 - pVgt * Math.exp(-theta * t))),
    asaSeconds: pServed > 0 ? eWaitServed / pServed : 0,
    meanWaitSeconds: eQ / lambda,
    meanQueue: eQ,
    occupancy: n > 0 ? Math.min(1, (lambda * pServed * aht) / n) : 0,
    warnings,
  };
}
