/**
 * Control-plane side of the media channel (mediasoup's Channel is the model).
 *
 * - Requests carry an id (wrapping at 2^32); replies resolve or reject the pending request.
 * - Every pending request has a timeout on the injected Clock: it rejects with SWB_TIMEOUT and a
 *   late reply is dropped (counted).
 * - close() rejects every pending request with SWB_CHANNEL_CLOSED; later requests reject at once.
 * - Events are routed by target id. Delivery is deferred (setImmediate by default) so an event
 *   never overtakes the reply that created its target: the awaiting code has run and subscribed
 *   by the time the event is delivered.
 */
import type { TransferListItem } from 'node:worker_threads';
import type { Clock, TimerHandle } from '../../kernel/clock.js';
import { ERROR_CODES, type ErrorCode, SwbError } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/logger.js';
import { silentLogger } from '../../kernel/logger.js';
import {
  isEvent,
  isReply,
  type MediaEvent,
  type MediaMethod,
  type MediaReplyBody,
  type MediaRequest,
  type MediaRequestBody,
} from '../media-types.js';

/** How a channel reaches the other side (a worker's MessagePort, a socket, or a fake in tests). */
export interface ChannelTransport {
  /** `transfer`: objects moved, not copied (MessagePorts for cross-worker bridges). */
  send(msg: MediaRequest, transfer?: readonly TransferListItem[]): void;
}

export interface ChannelOptions {
  transport: ChannelTransport;
  clock: Clock;
  /** Per-request timeout in ms (default 5000). */
  timeoutMs?: number;
  logger?: Logger;
  /** Schedules event delivery after the current macrotask (default setImmediate). */
  defer?: (fn: () => void) => void;
  /** First request id (tests use it to exercise wrapping at 2^32). */
  initialId?: number;
}

interface Pending {
  method: MediaMethod;
  target: string;
  resolve: (body: unknown) => void;
  reject: (err: SwbError) => void;
  timer: TimerHandle;
}

export type EventListener = (event: MediaEvent) => void;

export interface ChannelCounters {
  lateReplies: number;
  unknownReplies: number;
  eventsWithoutTarget: number;
  malformed: number;
}

const MAX_ID = 0xffffffff;

export class Channel {
  readonly #transport: ChannelTransport;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #logger: Logger;
  readonly #defer: (fn: () => void) => void;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<string, Set<EventListener>>();
  #events: MediaEvent[] = [];
  #flushScheduled = false;
  #nextId = 0;
  #closed = false;
  /** Ids of requests that timed out, so a late reply is told apart from a bogus one. */
  readonly #timedOut = new Set<number>();
  readonly counters: ChannelCounters = {
    lateReplies: 0,
    unknownReplies: 0,
    eventsWithoutTarget: 0,
    malformed: 0,
  };

  constructor(opts: ChannelOptions) {
    this.#transport = opts.transport;
    this.#clock = opts.clock;
    this.#timeoutMs = opts.timeoutMs ?? 5000;
    this.#logger = opts.logger ?? silentLogger;
    this.#defer = opts.defer ?? ((fn) => setImmediate(fn));
    if (opts.initialId !== undefined) this.#nextId = opts.initialId - 1;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  request<M extends MediaMethod>(
    method: M,
    target: string,
    body: MediaRequestBody<M>,
    opts: { timeoutMs?: number; transfer?: readonly TransferListItem[] } = {},
  ): Promise<MediaReplyBody<M>> {
    if (this.#closed) return Promise.reject(new SwbError('SWB_CHANNEL_CLOSED', { method, target }));
    this.#nextId = this.#nextId >= MAX_ID ? 1 : this.#nextId + 1;
    const id = this.#nextId;
    return new Promise<MediaReplyBody<M>>((resolve, reject) => {
      const timer = this.#clock.setTimer(opts.timeoutMs ?? this.#timeoutMs, () => {
        if (!this.#pending.delete(id)) return;
        this.#timedOut.add(id);
        if (this.#timedOut.size > 1024) this.#timedOut.delete(this.#timedOut.values().next().value!);
        reject(new SwbError('SWB_TIMEOUT', { operation: `media ${method} ${target}` }));
      });
      this.#pending.set(id, {
        method,
        target,
        resolve: resolve as (b: unknown) => void,
        reject,
        timer,
      });
      try {
        this.#transport.send({ id, method, target, body } as MediaRequest, opts.transfer);
      } catch (err) {
        this.#pending.delete(id);
        this.#clock.clearTimer(timer);
        reject(new SwbError('SWB_CHANNEL_CLOSED', { method, target, reason: String(err) }, { cause: err }));
      }
    });
  }

  /** Listen to events for one target id; returns an unsubscribe function. */
  subscribe(target: string, fn: EventListener): () => void {
    let set = this.#listeners.get(target);
    if (!set) {
      set = new Set();
      this.#listeners.set(target, set);
    }
    set.add(fn);
    return () => this.unsubscribe(target, fn);
  }

  unsubscribe(target: string, fn?: EventListener): void {
    const set = this.#listeners.get(target);
    if (!set) return;
    if (fn) set.delete(fn);
    else set.clear();
    if (set.size === 0) this.#listeners.delete(target);
  }

  /** Feed one message from the other side (reply or event). Unknown shapes are counted and dropped. */
  receive(msg: unknown): void {
    if (this.#closed) return;
    if (isReply(msg)) {
      const p = this.#pending.get(msg.id);
      if (!p) {
        if (this.#timedOut.delete(msg.id)) this.counters.lateReplies++;
        else this.counters.unknownReplies++;
        return;
      }
      this.#pending.delete(msg.id);
      this.#clock.clearTimer(p.timer);
      if (msg.ok) p.resolve(msg.body);
      else p.reject(toSwbError(msg.error.code, msg.error.message, msg.error.details));
      return;
    }
    if (isEvent(msg)) {
      this.#events.push(msg);
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        this.#defer(() => this.#flush());
      }
      return;
    }
    this.counters.malformed++;
    this.#logger.warn({ msg }, 'media channel: malformed message dropped');
  }

  #flush(): void {
    this.#flushScheduled = false;
    const events = this.#events;
    this.#events = [];
    for (const ev of events) this.#dispatch(ev);
  }

  #dispatch(ev: MediaEvent): void {
    if (this.#closed) return;
    const set = this.#listeners.get(ev.target);
    if (!set || set.size === 0) {
      this.counters.eventsWithoutTarget++;
      return;
    }
    for (const fn of [...set]) {
      try {
        fn(ev);
      } catch (err) {
        this.#logger.error({ err, target: ev.target, event: ev.name }, 'media event listener threw');
      }
    }
  }

  /**
   * Closes the channel: every pending request rejects with SWB_CHANNEL_CLOSED (details.reason),
   * listeners are dropped, undelivered events are discarded. Idempotent.
   */
  close(reason = 'closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#events = [];
    this.#listeners.clear();
    for (const p of pending) {
      this.#clock.clearTimer(p.timer);
      p.reject(new SwbError('SWB_CHANNEL_CLOSED', { method: p.method, target: p.target, reason }));
    }
  }
}

/** A reply error from the worker as a SwbError with the same code (SWB_INTERNAL if unknown). */
export function toSwbError(code: string, message: string, details?: Record<string, unknown>): SwbError {
  const known = Object.hasOwn(ERROR_CODES, code);
  return new SwbError(known ? (code as ErrorCode) : 'SWB_INTERNAL', details, { message });
}
