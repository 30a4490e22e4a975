/**
 * Garnett–Mandelbaum–Reiman QED approximation of the Erlang A delay probability
 * (O. Garnett, A. Mandelbaum, M. Reiman, "Designing a Call Center with Impatient Customers",
 * M&SOM 4(3), 2002, Eq. for P{W>0}):
 *   P{W > 0} ≈ [1 + √(θ/μ) · h(β·√(μ/θ)) / h(−β)]^{-1},   β = (n − R)/√R, R = λ/μ,
 * with h(x) = φ(x)/(1 − Φ(x)) the standard normal hazard rate. Used as a cross-check of the
 * exact birth–death computation and as a cheap estimate for very large n.
 */
import { requireFinite, requireInt } from '../validate.js';

/** Standard normal hazard rate φ(x)/(1−Φ(x)), accurate in the far right tail (no cancellation). */
export function normalHazard(x: number): number {
  // erfc(z) = t·exp(−z² + P(t)) with t = 1/(1 + z/2) (Numerical Recipes erfcc, rel. error < 1.2e-7).
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  if (x >= 0) {
    // 1 − Φ(x) = ½·erfc(z) = ½·t·e^{−x²/2}·e^{poly};  φ(x) = e^{−x²/2}/√(2π)
    return 2 / (Math.sqrt(2 * Math.PI) * t * Math.exp(poly));
  }
  const tail = 1 - 0.5 * t * Math.exp(-z * z + poly); // 1 − Φ(x) for x < 0
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) / tail;
}

export function gmrProbWait(
  arrivalRate: number,
  ahtSeconds: number,
  patienceSeconds: number,
  agents: number,
): number {
  requireFinite('arrivalRate', arrivalRate, Number.MIN_VALUE);
  requireFinite('ahtSeconds', ahtSeconds, Number.MIN_VALUE);
  requireFinite('patienceSeconds', patienceSeconds, Number.MIN_VALUE);
  requireInt('agents', agents);
  const mu = 1 / ahtSeconds;
  const theta = 1 / patienceSeconds;
  const r = arrivalRate / mu;
  const beta = (agents - r) / Math.sqrt(r);
  const ratio = Math.sqrt(theta / mu);
  return 1 / (1 + (ratio * normalHazard(beta / ratio)) / normalHazard(-beta));
}
