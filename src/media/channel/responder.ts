/**
 * Worker side of the media channel: turns requests into handler calls and posts replies; posts
 * events. An event for a target whose request is still being handled is held until that reply is
 * posted, so on the wire an event never precedes the reply that created its target.
 */
import { isSwbError } from '../../kernel/errors.js';
import type {
  MediaEvent,
  MediaEventMap,
  MediaEventName,
  MediaReply,
  MediaRequest,
  WorkerMessage,
} from '../media-types.js';

export type RequestHandler = (req: MediaRequest) => unknown | Promise<unknown>;

export class ChannelResponder {
  readonly #post: (msg: WorkerMessage) => void;
  readonly #handler: RequestHandler;
  /** target → number of requests in flight for it. */
  readonly #inFlight = new Map<string, number>();
  readonly #held = new Map<string, MediaEvent[]>();

  constructor(post: (msg: WorkerMessage) => void, handler: RequestHandler) {
    this.#post = post;
    this.#handler = handler;
  }

  async receive(req: MediaRequest): Promise<void> {
    const target = req.target;
    this.#inFlight.set(target, (this.#inFlight.get(target) ?? 0) + 1);
    let reply: MediaReply;
    try {
      const body = await this.#handler(req);
      reply = { id: req.id, ok: true, body: body ?? {} };
    } catch (err) {
      reply = {
        id: req.id,
        ok: false,
        error: isSwbError(err)
          ? { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }
          : { code: 'SWB_INTERNAL', message: err instanceof Error ? err.message : String(err) },
      };
    }
    this.#post(reply);
    const n = (this.#inFlight.get(target) ?? 1) - 1;
    if (n > 0) {
      this.#inFlight.set(target, n);
      return;
    }
    this.#inFlight.delete(target);
    const held = this.#held.get(target);
    if (held) {
      this.#held.delete(target);
      for (const ev of held) this.#post(ev);
    }
  }

  emit<N extends MediaEventName>(target: string, name: N, body: MediaEventMap[N]): void {
    const ev = { target, name, body } as MediaEvent;
    if (this.#inFlight.has(target)) {
      let list = this.#held.get(target);
      if (!list) {
        list = [];
        this.#held.set(target, list);
      }
      list.push(ev);
      return;
    }
    this.#post(ev);
  }
}
