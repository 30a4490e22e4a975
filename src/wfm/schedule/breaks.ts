/**
 * Break and meal placement inside their windows, after shifts are fixed. Each break goes where
 * taking one agent off the phones hurts least: minimise the added squared shortfall relative to
 * the need (Σ short²/required, so gaps are spread rather than emptying one slot), then prefer the
 * largest surplus. Meals are placed before short breaks (they are longer and must always happen;
 * a break is never dropped to save coverage). Two passes: each break is lifted and re-placed
 * against everyone else's, which removes most order effects of the first pass.
 */
import type { PlacedBreak, ScheduledShift, ScheduleProblem } from './types.js';

export function presence(p: ScheduleProblem, shifts: readonly ScheduledShift[]): Float64Array {
  const cov = new Float64Array(p.required.length);
  for (const s of shifts) addPresence(p, cov, s, 1);
  return cov;
}

function addPresence(p: ScheduleProblem, cov: Float64Array, s: ScheduledShift, sign: number): void {
  const sm = p.slotMinutes;
  for (let t = s.start; t < s.end; t += sm) {
    const slot = t / sm;
    if (slot >= cov.length) break;
    if (s.breaks.some((b) => t >= b.start && t < b.end)) continue;
    cov[slot]! += sign;
  }
}

function addSpan(p: ScheduleProblem, cov: Float64Array, start: number, end: number, sign: number): void {
  for (let t = start; t < end; t += p.slotMinutes) {
    const slot = t / p.slotMinutes;
    if (slot < cov.length) cov[slot]! += sign;
  }
}

function cost(p: ScheduleProblem, cov: Float64Array, start: number, end: number): [number, number] {
  let hurt = 0;
  let surplus = 0;
  for (let t = start; t < end; t += p.slotMinutes) {
    const slot = t / p.slotMinutes;
    if (slot >= cov.length) continue;
    const r = p.required[slot]!;
    const c = cov[slot]!;
    // squared shortfall relative to the need: an empty slot hurts far more than one agent short at a peak
    if (r > 0) hurt += (Math.max(0, r - (c - 1)) ** 2 - Math.max(0, r - c) ** 2) / r;
    surplus += c - r;
  }
  return [hurt, surplus];
}

export function placeBreaks(p: ScheduleProblem, shifts: ScheduledShift[]): void {
  const cov = presence(p, shifts); // breaks not yet placed: full presence
  const order = [...shifts].sort((a, b) => a.start - b.start);
  const placed = new Map<ScheduledShift, (PlacedBreak | undefined)[]>();
  for (let pass = 0; pass < 2; pass++) {
    for (const s of order) {
      const tpl = p.templates.find((t) => t.id === s.templateId)!;
      let slots = placed.get(s);
      if (!slots) placed.set(s, (slots = new Array(tpl.breaks.length).fill(undefined)));
      // meals first: longer and never optional
      const idx = tpl.breaks
        .map((_, i) => i)
        .sort((a, b) => Number(tpl.breaks[b]!.kind === 'meal') - Number(tpl.breaks[a]!.kind === 'meal'));
      for (const i of idx) {
        const rule = tpl.breaks[i]!;
        const old = slots[i];
        if (old) addSpan(p, cov, old.start, old.end, 1);
        slots[i] = undefined;
        const others = slots.filter((b): b is PlacedBreak => b !== undefined);
        let best: PlacedBreak | undefined;
        let bestCost: [number, number] = [Number.POSITIVE_INFINITY, 0];
        for (let off = rule.earliestAfterStart; off <= rule.latestAfterStart; off += p.slotMinutes) {
          const start = s.start + off;
          const end = start + rule.minutes;
          if (others.some((b) => start < b.end && b.start < end)) continue;
          const c = cost(p, cov, start, end);
          if (c[0] < bestCost[0] - 1e-9 || (Math.abs(c[0] - bestCost[0]) <= 1e-9 && c[1] > bestCost[1])) {
            bestCost = c;
            best = { kind: rule.kind, start, end, paid: rule.paid };
          }
        }
        // every position overlaps another break (template windows overlap heavily): keep the old or earliest one
        best ??= old ?? {
          kind: rule.kind,
          start: s.start + rule.earliestAfterStart,
          end: s.start + rule.earliestAfterStart + rule.minutes,
          paid: rule.paid,
        };
        slots[i] = best;
        addSpan(p, cov, best.start, best.end, -1);
      }
    }
  }
  for (const s of shifts) {
    s.breaks.length = 0;
    for (const b of placed.get(s) ?? []) if (b) s.breaks.push(b);
    s.breaks.sort((a, b) => a.start - b.start);
  }
}
