import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isSwbError } from '../../../src/kernel/errors.js';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { RtpPeer, readWav, toneDurationMs, toneRatio, waitFor } from './rtp-peer.js';

describe('media plane: recording control', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-rec-'));
    plane = await createMediaPlane({
      workers: 1,
      rtpPortMin: 42900,
      rtpPortMax: 42949,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pause writes silence for the paused span (card numbers), resume continues the timeline', async () => {
    const caller = await RtpPeer.open();
    const a = await plane.createEndpoint();
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      const rec = await plane.record(a);
      await caller.sendTone(1000, 50, a.rtpPort);
      await rec.pause();
      await caller.sendTone(1000, 50, a.rtpPort);
      await rec.resume();
      await caller.sendTone(1000, 50, a.rtpPort);
      const result = await rec.stop();
      const wav = await readWav(result.path);
      assert.ok(Math.abs(wav.durationMs - 3000) <= 1000, `timeline kept: ${wav.durationMs} ms`);
      const tone = toneDurationMs(wav.data[0]!, 1000);
      assert.ok(tone >= 1600 && tone <= 2300, `tone only outside the pause: ${tone} ms`);
      const middle = wav.data[0]!.subarray(8000 * 1.25, 8000 * 1.75);
      assert.ok(toneRatio(middle, 1000) < 0.05 || middle.every((s) => s === 0), 'silence while paused');
      assert.equal(
        result.bytes,
        (await stat(result.path)).size,
        'reported bytes = file size (cue chunks included)',
      );
      await assert.rejects(rec.pause(), (e) => isSwbError(e, 'SWB_MEDIA_TARGET_NOT_FOUND'));
    } finally {
      await Promise.all([a.close(), caller.close()]);
    }
  });

  it('mono recording mixes both directions into one channel', async () => {
    const caller = await RtpPeer.open();
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint({ near: a.id });
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMU' });
      await plane.bridge(a, b);
      const rec = await plane.record(a, { channels: 1 });
      await Promise.all([caller.sendTone(1000, 50, a.rtpPort), agent.sendTone(440, 50, b.rtpPort)]);
      await waitFor(() => caller.received.length >= 45, 2000, 'relay');
      const wav = await readWav((await rec.stop()).path);
      assert.equal(wav.channels, 1);
      assert.ok(toneRatio(wav.data[0]!, 1000) > 0.3 && toneRatio(wav.data[0]!, 440) > 0.3, 'both voices');
    } finally {
      await Promise.all([a.close(), b.close(), caller.close(), agent.close()]);
    }
  });

  it('closing the leg stops its recording with reason endpoint-closed and a playable file', async () => {
    const caller = await RtpPeer.open();
    const a = await plane.createEndpoint();
    try {
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      const rec = await plane.record(a);
      let reason = '';
      rec.on('record-stopped', (b) => (reason = b.reason));
      await caller.sendTone(1000, 25, a.rtpPort);
      await a.close();
      await waitFor(() => reason !== '', 2000, 'record-stopped');
      assert.equal(reason, 'endpoint-closed');
      const wav = await readWav(rec.path);
      assert.ok(toneDurationMs(wav.data[0]!, 1000) >= 300);
    } finally {
      await caller.close();
    }
  });

  it('rejects a recording path that cannot be written', async () => {
    const a = await plane.createEndpoint();
    try {
      await assert.rejects(plane.record(a, { path: join(dir, 'no', 'such', 'dir', 'x.wav') }), (e) =>
        isSwbError(e, 'SWB_MEDIA_BAD_REQUEST'),
      );
    } finally {
      await a.close();
    }
  });
});
