import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { createLocalRecordingStore, sha256Of } from '../../../src/recording/local-store.js';
import { CaptureSession, CaptureState, shouldRecord } from '../../../src/recording/policy.js';

test('policy: always records, never does not, on demand only when asked', () => {
  assert.equal(shouldRecord('always'), true);
  assert.equal(shouldRecord('never', true), false);
  assert.equal(shouldRecord('on_demand'), false);
  assert.equal(shouldRecord('on_demand', true), true);
});

test('capture: paused spans are noted relative to the start; illegal transitions throw', () => {
  const c = new CaptureSession(1000);
  c.pause(3000);
  c.resume(5500);
  c.pause(8000);
  assert.deepEqual(c.stop(9000), [
    { fromMs: 2000, toMs: 4500 },
    { fromMs: 7000, toMs: 8000 },
  ]);
  assert.equal(c.state, CaptureState.Stopped);
  assert.throws(
    () => c.resume(9100),
    (e) => isSwbError(e, 'SWB_ILLEGAL_TRANSITION'),
  );
  const d = new CaptureSession(0);
  assert.throws(
    () => d.resume(1),
    (e) => isSwbError(e, 'SWB_ILLEGAL_TRANSITION'),
  );
});

test('local store: put moves the file 0600 under its key, ranges, checksum, refuses escaping keys', async () => {
  const root = await mkdtemp(join(tmpdir(), 'swb-rec-'));
  const store = createLocalRecordingStore(root);
  const src = join(root, 'capture.wav');
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
  await writeFile(src, bytes);
  const key = 'recordings/ten_a/2026-01-01/rec_1.wav';
  assert.deepEqual(await store.put(key, src), { key, size: 1000 });
  assert.equal((await stat(join(root, key))).mode & 0o777, 0o600);
  assert.deepEqual(await readFile(join(root, key)), bytes);
  const chunks: Buffer[] = [];
  for await (const c of await store.openReadStream(key, { start: 10, end: 19 })) chunks.push(c as Buffer);
  assert.deepEqual(Buffer.concat(chunks), bytes.subarray(10, 20));
  assert.equal(await sha256Of(store, key), createHash('sha256').update(bytes).digest('hex'));
  await assert.rejects(store.openReadStream(key, { start: 1000, end: 1001 }), (e) =>
    isSwbError(e, 'SWB_VALIDATION'),
  );
  await assert.rejects(store.stat('../outside.wav'), (e) => isSwbError(e, 'SWB_INVALID_ID'));
  await store.delete(key);
  assert.equal(await store.stat(key), undefined);
});
