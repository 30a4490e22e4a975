// Starts a media worker thread running TypeScript sources: registers tsx's ESM loader in this
// thread (Node 20 does not apply the parent's `--import tsx` hooks to a worker's entry file),
// then loads the real entry. workerData.entry is the entry module URL.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
