import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMediaPlane, type MediaPlane } from '../../../src/media/plane.js';
import { RtpPeer, readWav, toneDurationMs, toneRatio, waitFor } from './rtp-peer.js';

describe('media plane: bridge across two workers', () => {
  let plane: MediaPlane;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swb-xw-'));
    plane = await createMediaPlane({
      workers: 2,
      rtpPortMin: 43060,
      rtpPortMax: 43099,
      recordingsDir: dir,
      publicAddress: '127.0.0.1',
    });
  });

  after(async () => {
    await plane.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('relays, transcodes and records between legs on different workers; a dead worker detaches the other half', async () => {
    const caller = await RtpPeer.open();
    const agent = await RtpPeer.open();
    const a = await plane.createEndpoint();
    const b = await plane.createEndpoint(); // least loaded: the other worker
    try {
      assert.notEqual(a.workerId, b.workerId);
      await a.setRemote({ address: '127.0.0.1', port: caller.port, codec: 'PCMU' });
      await b.setRemote({ address: '127.0.0.1', port: agent.port, codec: 'PCMA' });
      const br = await plane.bridge(a, b);
      assert.equal(br.crossWorker, true);
      assert.equal(br.mode, 'transcode');
      const rec = await plane.record(a);
      await Promise.all([caller.sendTone(1000, 75, a.rtpPort), agent.sendTone(440, 75, b.rtpPort, 'PCMA')]);
      await waitFor(() => caller.received.length >= 70 && agent.received.length >= 70, 2000, 'relayed');
      const result = await rec.stop();
      assert.ok(toneRatio(agent.decoded('PCMA'), 1000) > 0.8, 'agent hears the caller (PCMU → PCMA)');
      assert.ok(toneRatio(caller.decoded('PCMU'), 440) > 0.8, 'caller hears the agent (PCMA → PCMU)');
      assert.ok(agent.received.every((p) => p.ssrc === b.ssrc && p.pt === 8));
      const seqs = caller.received.map((p) => p.seq);
      for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], (seqs[i - 1]! + 1) & 0xffff);
      const wav = await readWav(result.path);
      assert.ok(toneDurationMs(wav.data[0]!, 1000) >= 1000 && toneDurationMs(wav.data[1]!, 440) >= 1000);

      // the agent's worker dies: the caller's half detaches, nothing crashes, only b is lost
      const lost: string[] = [];
      plane.on('endpoint-lost', (id) => lost.push(id));
      plane.killWorkerForTesting(b.workerId);
      await waitFor(() => lost.length === 1 && br.closed, 5000, 'b lost');
      assert.deepEqual(lost, [b.id]);
      const before = caller.received.length;
      await agent.sendTone(440, 10, b.rtpPort).catch(() => {});
      await caller.sendTone(1000, 10, a.rtpPort);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(caller.received.length, before, 'nothing relayed any more');
      assert.equal((await a.stats()).counters.packetsIn >= 85, true, 'the caller leg still works');
    } finally {
      await Promise.all([a.close(), b.close(), caller.close(), agent.close()]);
    }
  });
});
