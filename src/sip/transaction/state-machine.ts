/**
 * Explicit finite-state machine: a state list (`as const`) and a next-states table. Any
 * transition not in the table throws SWB_ILLEGAL_TRANSITION; listeners see every change.
 */
import { SwbError } from '../../kernel/errors.js';

export class StateMachine<S extends string> {
  #state: S;
  readonly #table: Readonly<Record<S, readonly S[]>>;
  readonly #name: string;
  readonly #onChange: ((from: S, to: S, reason: string) => void) | undefined;

  constructor(
    name: string,
    initial: S,
    table: Readonly<Record<S, readonly S[]>>,
    onChange?: (from: S, to: S, reason: string) => void,
  ) {
    this.#name = name;
    this.#state = initial;
    this.#table = table;
    this.#onChange = onChange;
  }

  get state(): S {
    return this.#state;
  }

  is(...states: S[]): boolean {
    return states.includes(this.#state);
  }

  canTransition(to: S): boolean {
    return this.#table[this.#state].includes(to);
  }

  transition(to: S, reason: string): void {
    const from = this.#state;
    if (!this.#table[from].includes(to)) {
      throw new SwbError('SWB_ILLEGAL_TRANSITION', { machine: this.#name, from, to });
    }
    this.#state = to;
    this.#onChange?.(from, to, reason);
  }
}
