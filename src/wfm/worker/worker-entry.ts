/** Worker-thread side: runs jobs one at a time, honours cancel messages between chunks. */
import { parentPort } from 'node:worker_threads';
import { SwbError } from '../../kernel/errors.js';
import { runJob } from './jobs.js';
import type { FromWorker, ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');

const cancelled = new Set<number>();
const queue: Extract<ToWorker, { type: 'run' }>[] = [];
let running = false;

const send = (m: FromWorker) => port.postMessage(m);
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  for (let job = queue.shift(); job; job = queue.shift()) {
    const { id } = job;
    try {
      if (cancelled.has(id)) throw new SwbError('SWB_WFM_JOB_CANCELLED', { jobId: id });
      const result = await runJob(job.kind, job.input, {
        async checkpoint(done, total, phase) {
          send({ type: 'progress', id, done, total, phase });
          await yieldTurn();
          if (cancelled.has(id)) throw new SwbError('SWB_WFM_JOB_CANCELLED', { jobId: id });
        },
      });
      send({ type: 'result', id, result });
    } catch (e) {
      const code = e instanceof SwbError ? e.code : null;
      const details = e instanceof SwbError ? (e.details ?? {}) : {};
      send({
        type: 'error',
        id,
        error: { code, message: e instanceof Error ? e.message : String(e), details },
      });
    } finally {
      cancelled.delete(id);
    }
  }
  running = false;
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') cancelled.add(m.id);
  else {
    queue.push(m);
    void drain();
  }
});
send({ type: 'ready' });
