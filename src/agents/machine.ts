import { SwbError } from '../kernel/errors.js';

/**
 * An explicit state machine over an `as const` list of states: a next-states table, and a
 * transition check that throws SWB_ILLEGAL_TRANSITION (never a silent no-op). The machines are
 * values, not objects with hidden state, so the ACD core can keep thousands of agents in plain
 * records and stay pure.
 */
export interface Machine<S extends string> {
  readonly name: string;
  readonly states: readonly S[];
  readonly next: Readonly<Record<S, readonly S[]>>;
}

export function canTransition<S extends string>(m: Machine<S>, from: S, to: S): boolean {
  return m.next[from].includes(to);
}

/** Throws SWB_ILLEGAL_TRANSITION when `from → to` is not in the table. */
export function assertTransition<S extends string>(m: Machine<S>, from: S, to: S): void {
  if (!canTransition(m, from, to)) {
    throw new SwbError('SWB_ILLEGAL_TRANSITION', { machine: m.name, from, to });
  }
}
