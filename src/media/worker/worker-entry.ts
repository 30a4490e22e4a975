/**
 * Entry point of a media worker thread: wires the channel responder to the parent port and a
 * WorkerRuntime on the real clock. workerData: { workerId, rtcpIntervalMs? }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '../../kernel/clock.js';
import { ChannelResponder } from '../channel/responder.js';
import type { MediaRequest, WorkerMessage } from '../media-types.js';
import { WorkerRuntime } from './worker-runtime.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');
const data = (workerData ?? {}) as { workerId?: number; rtcpIntervalMs?: number };
const workerId = data.workerId ?? 0;

const post = (m: WorkerMessage) => port.postMessage(m);
let responder: ChannelResponder;
const runtime = new WorkerRuntime({
  workerId,
  clock: systemClock,
  emit: (target, name, body) => responder.emit(target, name, body),
  exit: (code) => process.exit(code),
  ...(data.rtcpIntervalMs !== undefined ? { rtcpIntervalMs: data.rtcpIntervalMs } : {}),
});
responder = new ChannelResponder(post, (req) => runtime.handle(req));
port.on('message', (msg: MediaRequest) => {
  void responder.receive(msg);
});
post({ ready: true, workerId });
