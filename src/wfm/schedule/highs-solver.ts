/**
 * Integer program for shift selection with HiGHS (WebAssembly build of the HiGHS MIP solver):
 * Dantzig's set-covering formulation over shift types, aggregated over agents —
 *   min  Σ_t u_t + λ Σ_t o_t
 *   s.t. Σ_i c_{i,t} y_i + u_t − o_t = r_t        (expected coverage c, breaks spread over windows)
 *        Σ_{i on day d} y_i ≤ agents available on day d
 *        Σ_i paid_i y_i ≤ Σ_a max minutes_a,   Σ_i y_i ≤ Σ_a max shifts_a
 *        y_i ∈ ℤ≥0, u, o ≥ 0.
 * Individual rules (rest, consecutive days, availability, contracts) are enforced when the counts
 * are handed to agents (pickAgent), and any count that cannot be staffed is repaired greedily.
 */
import type { ShiftType } from './candidates.js';
import { SURPLUS_WEIGHT, type Workspace } from './greedy.js';

export interface HighsOutcome {
  readonly counts: Map<number, number>;
  readonly status: string;
}

interface HighsModelLike {
  options: { set(values: Record<string, unknown>): unknown };
  setSolution(solution: { indices: number[]; values: number[] }): unknown;
  run(): { modelStatus: number };
  getSolution(): { colValue: Float64Array };
  getColByName(name: string): number;
  dispose(): void;
}

type HighsLike = {
  createModel(source: { format: 'lp'; data: string }): HighsModelLike;
};

const STATUS: Record<number, string> = {
  7: 'Optimal',
  8: 'Infeasible',
  11: 'Objective bound reached',
  13: 'Time limit reached',
  14: 'Iteration limit reached',
  16: 'Solution limit reached',
  17: 'Interrupted',
};

let highsPromise: Promise<HighsLike> | undefined;

async function loadSolver(): Promise<HighsLike> {
  highsPromise ??= import('highs').then((m) => (m.default as unknown as () => Promise<HighsLike>)());
  return highsPromise;
}

export function buildLp(w: Workspace): string {
  const { p, types, agents } = w;
  const lines: string[] = ['Minimize', ' obj:'];
  const obj: string[] = [];
  const bySlot: { i: number; c: number }[][] = Array.from({ length: p.required.length }, () => []);
  for (const s of types) {
    for (let k = 0; k < s.cover.length; k++)
      if (s.cover[k]! > 0) bySlot[s.firstSlot + k]!.push({ i: s.index, c: s.cover[k]! });
  }
  const activeSlots: number[] = [];
  for (let t = 0; t < p.required.length; t++)
    if (p.required[t]! > 0 || bySlot[t]!.length > 0) activeSlots.push(t);
  for (const t of activeSlots) obj.push(`+ u${t} + ${SURPLUS_WEIGHT} o${t}`);
  lines.push(`  ${obj.join(' ') || '0 u0'}`);
  lines.push('Subject To');
  for (const t of activeSlots) {
    const terms = bySlot[t]!.map(({ i, c }) => `+ ${c.toFixed(6)} y${i}`).join(' ');
    lines.push(` c${t}: ${terms} + u${t} - o${t} = ${p.required[t]}`);
  }
  const minPaid = Math.min(...types.map((s) => s.paidMinutes));
  for (let d = 0; d < p.days; d++) {
    const avail = agents.filter((a) => types.some((s) => s.day === d && a.canTake(s, p))).length;
    const terms = types.filter((s) => s.day === d).map((s) => `+ y${s.index}`);
    if (terms.length > 0) lines.push(` day${d}: ${terms.join(' ')} <= ${avail}`);
  }
  for (const tpl of p.templates) {
    for (let d = 0; d < p.days; d++) {
      const ofTpl = types.filter((s) => s.day === d && s.template === tpl);
      if (ofTpl.length === 0) continue;
      const avail = agents.filter((a) => ofTpl.some((s) => a.canTake(s, p))).length;
      lines.push(
        ` t${tpl.id.replace(/[^A-Za-z0-9_]/g, '_')}_${d}: ${ofTpl.map((s) => `+ y${s.index}`).join(' ')} <= ${avail}`,
      );
    }
    // per template over the horizon: what its agents can work in total
    const ofTpl = types.filter((s) => s.template === tpl);
    const cap = agents
      .filter((a) => ofTpl.some((s) => a.canTake(s, p)))
      .reduce((sum, a) => sum + Math.min(p.days, Math.floor(a.maxWeek / (ofTpl[0]?.paidMinutes ?? 1))), 0);
    if (ofTpl.length > 0)
      lines.push(
        ` w${tpl.id.replace(/[^A-Za-z0-9_]/g, '_')}: ${ofTpl.map((s) => `+ y${s.index}`).join(' ')} <= ${cap}`,
      );
  }
  const maxMinutes = agents.reduce((s, a) => s + a.maxWeek, 0);
  const maxShifts = agents.reduce((s, a) => {
    const byRun = p.days - Math.floor(p.days / (p.rules.maxConsecutiveDays + 1));
    return s + Math.min(p.days, Math.floor(a.maxWeek / minPaid), byRun);
  }, 0);
  lines.push(` minutes: ${types.map((s) => `+ ${s.paidMinutes} y${s.index}`).join(' ')} <= ${maxMinutes}`);
  lines.push(` shifts: ${types.map((s) => `+ y${s.index}`).join(' ')} <= ${maxShifts}`);
  lines.push('Bounds');
  for (const s of types) lines.push(` 0 <= y${s.index} <= ${agents.length}`);
  lines.push('Generals');
  lines.push(` ${types.map((s) => `y${s.index}`).join(' ')}`);
  lines.push('End');
  return lines.join('\n');
}

/**
 * Solve the IP. `start` (shift-type index → count, e.g. from the greedy solver) is handed to
 * HiGHS as a MIP start, so the result is never worse than it in the IP objective and the search
 * prunes from the first node.
 */
export async function solveShiftCounts(
  w: Workspace,
  timeLimitSeconds: number,
  start?: Map<number, number>,
): Promise<HighsOutcome> {
  const highs = await loadSolver();
  const model = highs.createModel({ format: 'lp', data: buildLp(w) });
  try {
    model.options.set({ output_flag: false, time_limit: timeLimitSeconds, mip_rel_gap: 0.005 });
    const col = new Map<number, number>();
    for (const s of w.types) col.set(s.index, model.getColByName(`y${s.index}`));
    if (start && start.size > 0) {
      const indices: number[] = [];
      const values: number[] = [];
      for (const s of w.types) {
        indices.push(col.get(s.index)!);
        values.push(start.get(s.index) ?? 0);
      }
      model.setSolution({ indices, values });
    }
    const { modelStatus } = model.run();
    const x = model.getSolution().colValue;
    const counts = new Map<number, number>();
    for (const s of w.types) {
      const v = x[col.get(s.index)!];
      if (v !== undefined && Number.isFinite(v) && v > 0.5) counts.set(s.index, Math.round(v));
    }
    return { counts, status: STATUS[modelStatus] ?? `status ${modelStatus}` };
  } finally {
    model.dispose();
  }
}

/** Hand the IP's counts to agents; returns the number of shifts that found nobody. */
export function assignCounts(
  w: Workspace,
  counts: Map<number, number>,
  pick: (s: ShiftType) => boolean,
): number {
  let unstaffed = 0;
  const order = [...counts.keys()].map((i) => w.types[i]!).sort((a, b) => a.day - b.day || a.start - b.start);
  for (const s of order) {
    for (let k = 0; k < counts.get(s.index)!; k++) if (!pick(s)) unstaffed++;
  }
  return unstaffed;
}
