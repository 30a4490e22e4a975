/**
 * Common plumbing for the four RFC 3261 §17 transaction machines: named timers on the
 * injected clock, ordered sends (responses of one transaction leave in the order they were
 * produced, so a 180 never overtakes its 200), and a single terminate path.
 */
import type { TimerHandle } from '../../kernel/clock.js';
import type { SipMessage } from '../message.js';
import { StateMachine } from './state-machine.js';
import type { TxContext, TxTarget } from './types.js';

export abstract class TransactionBase<S extends string> {
  readonly key: string;
  protected readonly ctx: TxContext;
  protected readonly fsm: StateMachine<S>;
  #timers = new Map<string, TimerHandle>();
  #tail: Promise<void> = Promise.resolve();
  #inflight = 0;
  /** Every message handed to the transport, in order (cheap counter for tests/metrics). */
  sentCount = 0;

  constructor(
    name: string,
    key: string,
    ctx: TxContext,
    initial: S,
    table: Readonly<Record<S, readonly S[]>>,
  ) {
    this.key = key;
    this.ctx = ctx;
    this.fsm = new StateMachine<S>(name, initial, table);
  }

  get state(): S {
    return this.fsm.state;
  }

  protected transmit(msg: SipMessage, target: TxTarget): void {
    this.sentCount++;
    const send = this.ctx.send;
    const run = (): Promise<void> => {
      try {
        return send(msg, target);
      } catch (err) {
        return Promise.reject(err);
      }
    };
    // Hand the message to the transport at once when nothing of ours is in flight; otherwise
    // queue behind the previous send so responses of one transaction keep their order.
    const p = this.#inflight === 0 ? run() : this.#tail.then(run, run);
    this.#inflight++;
    this.#tail = p.finally(() => {
      this.#inflight--;
    });
    p.catch((err: unknown) => this.onTransportError(err));
    this.#tail.catch(() => {});
  }

  protected abstract onTransportError(err: unknown): void;

  protected startTimer(name: string, ms: number, fn: () => void): void {
    this.stopTimer(name);
    const h = this.ctx.clock.setTimer(ms, () => {
      this.#timers.delete(name);
      fn();
    });
    this.#timers.set(name, h);
  }

  protected stopTimer(name: string): void {
    const h = this.#timers.get(name);
    if (h) {
      this.ctx.clock.clearTimer(h);
      this.#timers.delete(name);
    }
  }

  /** Names of running timers (for tests). */
  get runningTimers(): string[] {
    return [...this.#timers.keys()].sort();
  }

  protected clearTimers(): void {
    for (const h of this.#timers.values()) this.ctx.clock.clearTimer(h);
    this.#timers.clear();
  }

  protected terminateWith(to: S, reason: string): void {
    this.clearTimers();
    this.fsm.transition(to, reason);
    this.ctx.onTerminated(this.key);
  }
}
