/** Weighted ridge least squares via normal equations + Cholesky (small dense systems only). */
export function weightedLeastSquares(
  rows: readonly (readonly number[])[],
  y: readonly number[],
  w: readonly number[],
  ridge = 1e-6,
): number[] {
  const p = rows[0]?.length ?? 0;
  const a: number[][] = Array.from({ length: p }, () => new Array(p).fill(0));
  const b: number[] = new Array(p).fill(0);
  for (let r = 0; r < rows.length; r++) {
    const x = rows[r]!;
    const wr = w[r]!;
    if (wr === 0) continue;
    for (let i = 0; i < p; i++) {
      const xi = x[i]! * wr;
      if (xi === 0) continue;
      b[i]! += xi * y[r]!;
      const ai = a[i]!;
      for (let j = 0; j <= i; j++) ai[j]! += xi * x[j]!;
    }
  }
  for (let i = 0; i < p; i++) {
    a[i]![i]! += ridge;
    for (let j = 0; j < i; j++) a[j]![i] = a[i]![j]!;
  }
  // Cholesky A = L Lᵀ
  const l: number[][] = Array.from({ length: p }, () => new Array(p).fill(0));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) l[i]![i] = Math.sqrt(Math.max(s, 1e-12));
      else l[i]![j] = s / l[j]![j]!;
    }
  }
  const z = new Array(p).fill(0);
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * z[k]!;
    z[i] = s / l[i]![i]!;
  }
  const beta = new Array(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < p; k++) s -= l[k]![i]! * beta[k]!;
    beta[i] = s / l[i]![i]!;
  }
  return beta;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
