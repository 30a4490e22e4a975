/**
 * Waiting for what a test is about, instead of for time: `until` polls a condition (sync or
 * async) and `nextEvent` resolves on an emitter's event; both have a deadline and, when it
 * passes, fail with what they were waiting for and the last thing they saw, so a slow or
 * loaded machine makes a test slower, never wrong, and a real failure says why.
 */
import type { EventEmitter } from 'node:events';

export interface WaitOptions {
  /** Give up after this long (default 10 s; generous because a loaded CI machine is slow). */
  deadlineMs?: number;
  /** How often to poll a condition (default 5 ms). */
  everyMs?: number;
}

/**
 * Resolves with the first truthy value of `probe`; `describe` (optional) renders what was seen
 * last for the timeout message.
 */
export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  opts: WaitOptions & { describe?: (last: T | undefined) => string } = {},
): Promise<NonNullable<T>> {
  const deadline = performance.now() + (opts.deadlineMs ?? 10_000);
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (performance.now() >= deadline) {
      const seen = opts.describe ? opts.describe(last) : JSON.stringify(last);
      throw new Error(`timed out waiting for ${what} (last seen: ${seen})`);
    }
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 5));
  }
}

/** Resolves with the arguments of the next `event` on `emitter` that passes `filter`. */
export function nextEvent<A extends unknown[] = unknown[]>(
  emitter: EventEmitter,
  event: string,
  filter: (...args: A) => boolean = () => true,
  opts: WaitOptions = {},
): Promise<A> {
  return new Promise((resolve, reject) => {
    const onEvent = (...args: unknown[]) => {
      if (!filter(...(args as A))) return;
      clearTimeout(timer);
      emitter.off(event, onEvent);
      resolve(args as A);
    };
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`timed out waiting for event ${event}`));
    }, opts.deadlineMs ?? 10_000);
    emitter.on(event, onEvent);
  });
}
