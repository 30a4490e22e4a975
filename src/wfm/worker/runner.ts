/**
 * Control-plane side: runs WFM batch jobs in a worker thread so the event loop stays free.
 * run() resolves with the job's plain-data result, streams progress, and rejects with
 * SWB_WFM_JOB_CANCELLED when its AbortSignal fires, SWB_CLOSED when the runner is closed and
 * SWB_WFM_JOB_FAILED if the worker dies. Errors thrown in the worker keep their SwbError code.
 */
import { Worker } from 'node:worker_threads';
import { ERROR_CODES, type ErrorCode } from '../../kernel/error-codes.js';
import { SwbError } from '../../kernel/errors.js';
import type { FromWorker, JobKind, Progress, ToWorker } from './protocol.js';

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  onProgress?: (p: Progress) => void;
  cleanup(): void;
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export class WfmRunner {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 1;
  #closed = false;

  constructor() {
    this.#worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url));
    this.#worker.on('message', (m: FromWorker) => this.#onMessage(m));
    this.#worker.on('error', (e) =>
      this.#failAll(new SwbError('SWB_WFM_JOB_FAILED', { jobId: '*', reason: e.message })),
    );
    this.#worker.on('exit', (code) => {
      if (!this.#closed)
        this.#failAll(new SwbError('SWB_WFM_JOB_FAILED', { jobId: '*', reason: `worker exited (${code})` }));
    });
  }

  get pending(): number {
    return this.#pending.size;
  }

  run<T = unknown>(kind: JobKind, input: unknown, o: RunOptions = {}): Promise<T> {
    if (this.#closed) return Promise.reject(new SwbError('SWB_CLOSED', { what: 'WfmRunner' }));
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        this.#post({ type: 'cancel', id });
        const p = this.#pending.get(id);
        if (p) {
          this.#pending.delete(id);
          p.cleanup();
          reject(new SwbError('SWB_WFM_JOB_CANCELLED', { jobId: id }));
        }
      };
      if (o.signal?.aborted) {
        reject(new SwbError('SWB_WFM_JOB_CANCELLED', { jobId: id }));
        return;
      }
      o.signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress: o.onProgress,
        cleanup: () => o.signal?.removeEventListener('abort', onAbort),
      });
      this.#post({ type: 'run', id, kind, input });
    });
  }

  #post(m: ToWorker): void {
    this.#worker.postMessage(m);
  }

  #onMessage(m: FromWorker): void {
    if (m.type === 'ready') return;
    const p = this.#pending.get(m.id);
    if (!p) return; // cancelled or unknown: late messages are dropped
    if (m.type === 'progress') {
      p.onProgress?.({ done: m.done, total: m.total, phase: m.phase });
      return;
    }
    this.#pending.delete(m.id);
    p.cleanup();
    if (m.type === 'result') p.resolve(m.result);
    else {
      const code =
        m.error.code && m.error.code in ERROR_CODES ? (m.error.code as ErrorCode) : 'SWB_WFM_JOB_FAILED';
      const details = (m.error.code ? m.error.details : { jobId: m.id, reason: m.error.message }) as Record<
        string,
        unknown
      >;
      p.reject(new SwbError(code, details, { message: m.error.message }));
    }
  }

  #failAll(e: SwbError): void {
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.cleanup();
      p.reject(e);
    }
  }

  /** Idempotent: rejects pending jobs with SWB_CLOSED and terminates the worker. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#failAll(new SwbError('SWB_CLOSED', { what: 'WfmRunner' }));
    await this.#worker.terminate();
  }
}
