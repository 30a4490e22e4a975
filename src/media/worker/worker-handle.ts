/**
 * Control-plane handle of one media worker thread: spawns it, waits for its ready signal, owns
 * the Channel to it, and reports its death (exit or uncaught error) exactly once. On death the
 * channel closes, so every pending request rejects with SWB_CHANNEL_CLOSED.
 */
import { type TransferListItem, Worker } from 'node:worker_threads';
import type { Clock } from '../../kernel/clock.js';
import { SwbError } from '../../kernel/errors.js';
import { TypedEmitter } from '../../kernel/events.js';
import type { Logger } from '../../kernel/logger.js';
import { Channel } from '../channel/channel.js';
import type { MediaRequest } from '../media-types.js';

export type WorkerHandleEvents = {
  /** The thread is gone without being asked (exit code, or the uncaught error's message). */
  died: [reason: string];
};

export interface WorkerHandleOptions {
  workerId: number;
  clock: Clock;
  logger: Logger;
  requestTimeoutMs?: number;
  readyTimeoutMs?: number;
  rtcpIntervalMs?: number;
}

const ENTRY = new URL('./worker-entry.ts', import.meta.url);
const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

export class WorkerHandle extends TypedEmitter<WorkerHandleEvents> {
  readonly workerId: number;
  readonly channel: Channel;
  readonly #worker: Worker;
  readonly #logger: Logger;
  #closing = false;
  #dead = false;
  #lastError = '';

  private constructor(opts: WorkerHandleOptions, worker: Worker) {
    super((err) => opts.logger.error({ err }, 'media worker listener threw'));
    this.workerId = opts.workerId;
    this.#worker = worker;
    this.#logger = opts.logger;
    this.channel = new Channel({
      transport: {
        send: (m: MediaRequest, transfer?: readonly TransferListItem[]) =>
          worker.postMessage(m, transfer as TransferListItem[] | undefined),
      },
      clock: opts.clock,
      timeoutMs: opts.requestTimeoutMs ?? 5000,
      logger: opts.logger,
    });
    worker.on('message', (m: unknown) => this.channel.receive(m));
    worker.on('error', (err) => {
      this.#lastError = err instanceof Error ? err.message : String(err);
      this.#logger.error({ err, workerId: this.workerId }, 'media worker error');
    });
    worker.on('exit', (code) => this.#onExit(code));
  }

  /** Starts a worker thread and resolves when it has signalled ready. */
  static spawn(opts: WorkerHandleOptions): Promise<WorkerHandle> {
    const worker = new Worker(BOOTSTRAP, {
      workerData: { workerId: opts.workerId, rtcpIntervalMs: opts.rtcpIntervalMs, entry: ENTRY.href },
    });
    return new Promise((resolve, reject) => {
      let handle: WorkerHandle | null = null;
      const timer = opts.clock.setTimer(opts.readyTimeoutMs ?? 15_000, () => {
        cleanup();
        void worker.terminate();
        reject(new SwbError('SWB_TIMEOUT', { operation: `media worker ${opts.workerId} start` }));
      });
      const onMessage = (m: unknown) => {
        if (typeof m === 'object' && m !== null && (m as { ready?: unknown }).ready === true) {
          cleanup();
          handle = new WorkerHandle(opts, worker);
          resolve(handle);
        }
      };
      let startError = '';
      const onExit = (code: number) => {
        cleanup();
        reject(new SwbError('SWB_MEDIA_WORKER_DIED', { workerId: opts.workerId, code, error: startError }));
      };
      const onError = (err: unknown) => {
        startError = err instanceof Error ? err.message : String(err);
        opts.logger.error({ err, workerId: opts.workerId }, 'media worker failed to start');
      };
      const cleanup = () => {
        opts.clock.clearTimer(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      worker.on('error', onError);
    });
  }

  get alive(): boolean {
    return !this.#dead && !this.#closing;
  }

  #onExit(code: number): void {
    if (this.#dead) return;
    this.#dead = true;
    const reason = this.#lastError ? `error: ${this.#lastError}` : `exit code ${code}`;
    this.channel.close(this.#closing ? 'worker closed' : `worker died (${reason})`);
    if (!this.#closing) {
      this.#logger.error({ workerId: this.workerId, reason }, 'media worker died');
      this.safeEmit('died', reason);
    }
  }

  /** Asks the worker to close its objects (flushing recordings), then terminates it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing || this.#dead) return;
    try {
      await this.channel.request('WORKER_SHUTDOWN', `worker-${this.workerId}`, {}, { timeoutMs: 3000 });
    } catch {
      // dead or stuck: terminate anyway
    }
    this.#closing = true;
    this.channel.close('worker closed');
    await this.#worker.terminate();
  }
}
